package org.aptostree.daemon.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The daemon's record of its recent transactions, on disk ({@code /var/lib/apt-ostree/daemon/transactions.json} of
 * the stateroot), rewritten (to a temporary file, then renamed) when one starts and when it ends. A transaction
 * recorded as started but never ended was running when the daemon was killed: the next start finds it, reports it
 * as failed, and cleans up after it.
 */
final class TransactionHistory {
    /** One transaction as recorded. */
    record Entry(long number, String address, String title, String state, int uid, long pid, String commandLine, String message,
            int percentage, String result, long started, long finished) {

        boolean ended() {
            return state.equals("completed") || state.equals("failed") || state.equals("cancelled");
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", number);
            m.put("address", address);
            m.put("title", title);
            m.put("state", state);
            m.put("uid", uid);
            m.put("pid", pid);
            m.put("command-line", commandLine);
            m.put("message", message);
            m.put("percentage", percentage);
            m.put("result", result);
            m.put("started", started);
            m.put("finished", finished);
            return m;
        }

        static Entry fromMap(Map<String, Object> m) {
            return new Entry(((Number) m.get("number")).longValue(), (String) m.get("address"), (String) m.get("title"),
                    (String) m.get("state"), ((Number) m.get("uid")).intValue(), ((Number) m.get("pid")).longValue(),
                    (String) m.get("command-line"), (String) m.get("message"), ((Number) m.get("percentage")).intValue(),
                    (String) m.get("result"), ((Number) m.get("started")).longValue(), ((Number) m.get("finished")).longValue());
        }
    }

    static final int KEPT = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<Path> file;
    private final List<Entry> entries;

    private TransactionHistory(Optional<Path> file, List<Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** A history kept in memory only (a host that is not an OSTree system has no state directory to keep it in). */
    static TransactionHistory inMemory() {
        return new TransactionHistory(Optional.empty(), new ArrayList<>());
    }

    /** Reads the record; an unreadable one is set aside (renamed .bad) and a new one started. */
    static TransactionHistory load(Path file) {
        List<Entry> entries = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            try {
                List<Map<String, Object>> raw = JSON.readValue(file.toFile(), new TypeReference<List<Map<String, Object>>>() { });
                for (Map<String, Object> m : raw) {
                    entries.add(Entry.fromMap(m));
                }
            } catch (IOException | RuntimeException e) {
                DaemonLog.error("the transaction record " + file + " cannot be read (" + e.getMessage() + "); it is kept as "
                        + file.getFileName() + ".bad and a new one is started");
                try {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".bad"), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException moveFailed) {
                    DaemonLog.error("cannot set aside " + file + ": " + moveFailed.getMessage());
                }
                entries.clear();
            }
        }
        return new TransactionHistory(Optional.of(file), entries);
    }

    /** Transactions recorded as started and never ended. */
    synchronized List<Entry> unfinished() {
        return entries.stream().filter(e -> !e.ended()).toList();
    }

    /** The number after the highest recorded, so a new run's addresses differ from the last run's. */
    synchronized long nextNumber() {
        return entries.stream().mapToLong(Entry::number).max().orElse(0) + 1;
    }

    /** Records {@code e}, replacing the entry of the same number. */
    synchronized void record(Entry e) {
        entries.removeIf(x -> x.number() == e.number());
        entries.add(e);
        entries.sort(java.util.Comparator.comparingLong(Entry::number));
        while (entries.size() > KEPT) {
            entries.remove(0);
        }
        write();
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    private void write() {
        if (file.isEmpty()) {
            return;
        }
        Path f = file.get();
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), f.getFileName().toString(), ".tmp");
            JSON.writeValue(tmp.toFile(), entries.stream().map(Entry::toMap).toList());
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            DaemonLog.error("cannot write the transaction record " + f + ": " + e.getMessage());
        }
    }
}
