package org.aptostree.daemon.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.transaction.Initiator;
import org.freedesktop.dbus.types.Variant;

/**
 * Who sent a call: its unique bus name, and the uid and pid the bus vouches for (GetConnectionCredentials), with
 * the process's command line for people to read.
 */
record Caller(String busName, int uid, long pid, String commandLine) {

    static Caller lookup(BusConnection bus, String busName) throws BusException, IOException {
        Object[] r = bus.callDriver("GetConnectionCredentials", "s", busName);
        Map<?, ?> creds = (Map<?, ?>) r[0];
        Object uid = creds.get("UnixUserID");
        Object pid = creds.get("ProcessID");
        if (!(uid instanceof Variant<?> u)) {
            throw new BusException(BusException.ACCESS_DENIED, "The bus does not say which user " + busName + " is");
        }
        long p = pid instanceof Variant<?> v ? ((Number) v.getValue()).longValue() : -1;
        return new Caller(busName, (int) ((Number) u.getValue()).longValue(), p, commandLine(p));
    }

    private static String commandLine(long pid) {
        if (pid <= 0) {
            return "";
        }
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The transaction's initiator: this caller, described by {@code described} when it gave a command line. */
    Initiator initiator(String described) {
        return new Initiator(uid, pid, described == null || described.isBlank() ? commandLine : described);
    }

    @Override
    public String toString() {
        return busName + " (uid " + uid + ", pid " + pid + (commandLine.isEmpty() ? "" : ": " + commandLine) + ")";
    }
}
