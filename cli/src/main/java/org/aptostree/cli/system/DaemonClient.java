package org.aptostree.cli.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.dbus.BusAddress;
import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.Values;
import org.aptostree.daemon.transaction.TransactionListener;
import org.aptostree.daemon.transaction.TransactionState;
import org.aptostree.ostree.sysroot.EffectiveUser;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.Variant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The CLI's line to apt-ostreed: the system bus (or {@code DBUS_SYSTEM_BUS_ADDRESS}), the daemon's OS methods, and
 * a transaction followed by its signals to its end. Whether a verb goes through the daemon or runs in this process
 * is decided here, once: through the daemon when its name has an owner or can be activated and it manages the
 * sysroot asked for; otherwise in direct mode, saying so, for root (and for reading, which needs no privilege);
 * a user who asks for a change without a daemon gets an error.
 */
final class DaemonClient implements AutoCloseable {
    static final String NAME = "org.aptostree.dev";
    static final String DAEMON_PATH = "/org/aptostree/dev";
    static final String DAEMON_INTERFACE = "org.aptostree.dev.Daemon";
    static final String OS_PATH = "/org/aptostree/dev/OS";
    static final String OS_INTERFACE = "org.aptostree.dev.OS";
    static final String SYSROOT_PATH = "/org/aptostree/dev/Sysroot";
    static final String SYSROOT_INTERFACE = "org.aptostree.dev.Sysroot";
    static final String PROPERTIES = "org.freedesktop.DBus.Properties";
    /** The design note's words for the fallback. */
    static final String FALLBACK = "Daemon is not running. Using direct system calls.";
    /** Made on first use: direct mode never reads a daemon's JSON. */
    private static final class Json {
        static final JsonFactory FACTORY = new JsonFactory();
    }

    /** The connection {@link #connectEarly} started, until a command takes it. */
    private static final AtomicReference<FutureTask<DaemonClient>> EARLY = new AtomicReference<>();

    private final BusConnection bus;
    private final LinkedBlockingQueue<DBusSignal> signals = new LinkedBlockingQueue<>();

    private DaemonClient(BusConnection bus) {
        this.bus = bus;
        bus.onSignal(signals::add);
    }

    /**
     * The daemon for a verb, or empty for direct mode (the reason said on stderr first).
     *
     * @param mutating whether the verb changes the system (a user may not do that in direct mode)
     */
    static Optional<DaemonClient> forVerb(SystemOptions options, boolean mutating) {
        if (options.direct) {
            return Optional.empty();
        }
        String why;
        String reason;
        try {
            DaemonClient c = connect();
            Path wanted = options.sysrootPath();
            String manages = (String) c.property(SYSROOT_PATH, SYSROOT_INTERFACE, "Path");
            if (Path.of(manages).toAbsolutePath().normalize().equals(wanted)) {
                return Optional.of(c);
            }
            c.close();
            reason = "it manages " + manages + ", not " + wanted;
            why = "apt-ostreed manages " + manages + ", not " + wanted + ". Using direct system calls.";
        } catch (Unavailable | BusException | IOException e) {
            reason = e.getMessage();
            why = FALLBACK;
        }
        if (mutating && !EffectiveUser.isRoot()) {
            throw new ExitCodeException(1, "apt-ostreed cannot do this (" + reason + "), and changing the system without it needs root");
        }
        System.err.println(why);
        return Optional.empty();
    }

    /**
     * Starts connecting to the bus on a thread of its own, so that the connection (a cold D-Bus stack, ~35 ms) is made
     * while picocli builds and parses the command line; {@link #connect} takes it. {@link #discardEarly} closes it
     * when nothing did.
     */
    static void connectEarly() {
        FutureTask<DaemonClient> task = new FutureTask<>(DaemonClient::connectNow);
        if (EARLY.compareAndSet(null, task)) {
            Thread t = new Thread(task, "bus-connect");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Closes the connection {@link #connectEarly} made, when no command took it. */
    static void discardEarly() {
        FutureTask<DaemonClient> task = EARLY.getAndSet(null);
        if (task != null) {
            try {
                task.get().close();
            } catch (ExecutionException e) {
                // It failed: there is nothing to close.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The daemon, or {@link Unavailable} when its name has no owner and cannot be activated. */
    static DaemonClient connect() throws Unavailable, IOException, BusException {
        FutureTask<DaemonClient> task = EARLY.getAndSet(null);
        if (task == null) {
            return connectNow();
        }
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to the bus", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Unavailable u) {
                throw u;
            } else if (cause instanceof IOException io) {
                throw io;
            } else if (cause instanceof BusException b) {
                throw b;
            } else if (cause instanceof RuntimeException r) {
                throw r;
            } else if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException("connecting to the bus: " + cause, cause);
        }
    }

    private static DaemonClient connectNow() throws Unavailable, IOException, BusException {
        String address = BusAddress.resolve("system", System.getenv());
        if (address.startsWith("unix:path=")) {
            String path = address.substring("unix:path=".length()).split(",", 2)[0];
            if (!Files.exists(Path.of(path))) {
                throw new Unavailable("no system bus at " + path);
            }
        }
        BusConnection bus;
        try {
            bus = BusConnection.open(address);
        } catch (IOException e) {
            throw new Unavailable(e.getMessage());
        }
        boolean owned = Boolean.TRUE.equals(bus.callDriver("NameHasOwner", "s", NAME)[0]);
        if (!owned && !Values.strings(bus.callDriver("ListActivatableNames", null)[0]).contains(NAME)) {
            bus.close();
            throw new Unavailable("no owner of " + NAME + " on the system bus, and it cannot be activated");
        }
        return new DaemonClient(bus);
    }

    /** The daemon is neither running nor activatable. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** A method of the OS object; a D-Bus error ends the command as the same error would in direct mode. */
    Object[] os(String method, String signature, Object... args) {
        return call(OS_PATH, OS_INTERFACE, method, signature, args);
    }

    Object[] call(String path, String iface, String method, String signature, Object... args) {
        try {
            return bus.call(NAME, path, iface, method, signature, args);
        } catch (BusException e) {
            throw failure(e);
        } catch (IOException e) {
            throw new ExitCodeException(1, "lost the connection to apt-ostreed: " + e.getMessage());
        }
    }

    /** A property's value. */
    Object property(String path, String iface, String name) {
        return ((Variant<?>) call(path, PROPERTIES, "Get", "ss", iface, name)[0]).getValue();
    }

    /** All properties of an interface. */
    Map<String, Variant<?>> properties(String path, String iface) {
        @SuppressWarnings("unchecked")
        Map<String, Variant<?>> m = (Map<String, Variant<?>>) call(path, PROPERTIES, "GetAll", "s", iface)[0];
        return m;
    }

    /** A D-Bus error as the CLI's error line (its message is the same one-line text the engine gives). */
    static ExitCodeException failure(BusException e) {
        return new ExitCodeException(1, e.getMessage());
    }

    /** How a transaction ended, from its result JSON. */
    record Outcome(boolean success, boolean changed, List<String> output, String error, String message, String details) {
    }

    /**
     * Starts a transaction with an OS method and follows it to its end: subscribes to the signals first, shows its
     * progress on {@code listener}, and lets {@code cancelWith} cancel it (Ctrl-C).
     */
    Outcome transaction(String method, String signature, Object[] args, TransactionListener listener, CancelHook cancelWith) {
        try {
            bus.addMatch("type='signal',sender='" + NAME + "',path='" + OS_PATH + "',interface='" + OS_INTERFACE + "'");
            bus.addMatch("type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='"
                    + NAME + "'");
        } catch (BusException e) {
            throw failure(e);
        } catch (IOException e) {
            throw new ExitCodeException(1, "lost the connection to the bus: " + e.getMessage());
        }
        String address = (String) os(method, signature, args)[0];
        cancelWith.install(() -> os("cancel", "sa{sv}", address, Map.of()));
        try {
            while (true) {
                DBusSignal s = signals.poll(1, TimeUnit.SECONDS);
                if (s == null) {
                    if (!bus.isOpen()) {
                        throw new ExitCodeException(1, "lost the connection to the bus while " + address + " ran");
                    }
                    continue;
                }
                Object[] p = s.getParameters();
                switch (s.getName()) {
                    case "TransactionChanged" -> {
                        if (address.equals(p[0])) {
                            TransactionState state = TransactionState.valueOf(((String) p[1]).toUpperCase(java.util.Locale.ROOT));
                            if (!state.isFinal()) {
                                listener.changed(state, (String) p[2], ((Number) p[3]).intValue());
                            }
                        }
                    }
                    case "TransactionCompleted" -> {
                        if (address.equals(p[0])) {
                            return outcome((String) p[2]);
                        }
                    }
                    case "NameOwnerChanged" -> {
                        if (p.length > 2 && ((String) p[2]).isEmpty()) {
                            throw new ExitCodeException(1, "apt-ostreed stopped while " + address + " ran; 'apt-ostree daemon-status' shows"
                                    + " what became of it");
                        }
                    }
                    default -> { }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExitCodeException(1, "interrupted");
        } catch (DBusException e) {
            throw new ExitCodeException(1, "a malformed signal from apt-ostreed: " + e.getMessage());
        } finally {
            cancelWith.install(null);
        }
    }

    /** What Ctrl-C does while a transaction runs. */
    interface CancelHook {
        /** Sets (or with null clears) the action that cancels the running transaction. */
        void install(Runnable cancel);
    }

    /**
     * Reads the daemon's result JSON ({@code TransactionResult.toJson}, or a failure's {@code error}, {@code message} and
     * {@code details}) with the streaming parser: the object mapper's set-up cost the client ~35 ms at the end of every
     * transaction, longer than its own work. Members it does not know are skipped.
     */
    static Outcome outcome(String json) {
        String error = null;
        String message = "";
        String details = "";
        boolean changed = false;
        List<String> output = new ArrayList<>();
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "error" -> error = p.getValueAsString("");
                    case "message" -> message = p.getValueAsString("");
                    case "details" -> details = p.getValueAsString("");
                    case "changed" -> changed = p.getValueAsBoolean();
                    case "output" -> {
                        if (value == JsonToken.START_ARRAY) {
                            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
                                output.add(p.getValueAsString(""));
                                p.skipChildren();
                            }
                        }
                    }
                    default -> { }
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            throw new ExitCodeException(1, "apt-ostreed sent a result that is not JSON: " + e.getMessage());
        }
        if (error != null) {
            return new Outcome(false, false, List.of(), error, message, details);
        }
        return new Outcome(true, changed, output, "", "", "");
    }

    @Override
    public void close() {
        bus.close();
    }
}
