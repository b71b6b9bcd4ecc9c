package org.aptostree.daemon.service;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.Values;
import org.freedesktop.dbus.types.UInt32;

/**
 * polkit's decision on a caller, before anything is queued: {@code CheckAuthorization} of the caller's bus name
 * for the action {@code org.aptostree.dev.<kind>}, with user interaction allowed (an agent may ask for a
 * password). A challenge that no agent answered is a no. When polkitd cannot be reached, root alone is allowed;
 * whatever else goes wrong is a no: authorization never fails open.
 */
final class Authorization {
    static final String ACTION_PREFIX = "org.aptostree.dev.";
    private static final String POLKIT = "org.freedesktop.PolicyKit1";
    private static final long TIMEOUT_MS = 300_000;
    /** The bus's answers that mean nobody is there to ask. */
    private static final Set<String> UNREACHABLE = Set.of(BusException.SERVICE_UNKNOWN, BusException.NAME_HAS_NO_OWNER,
            BusException.NO_REPLY, BusException.DISCONNECTED, "org.freedesktop.DBus.Error.TimedOut", "org.freedesktop.DBus.Error.NoServer",
            "org.freedesktop.DBus.Error.Spawn.ChildExited", "org.freedesktop.DBus.Error.Spawn.ExecFailed",
            "org.freedesktop.DBus.Error.Spawn.Failed", "org.freedesktop.DBus.Error.Spawn.ServiceNotFound");

    private final BusConnection bus;

    Authorization(BusConnection bus) {
        this.bus = bus;
    }

    /**
     * Returns if polkit allows {@code caller} every one of {@code kinds} ({@code upgrade}, ...); throws AccessDenied
     * otherwise.
     */
    void check(Caller caller, List<String> kinds) throws BusException {
        for (String kind : kinds) {
            check(caller, ACTION_PREFIX + kind);
        }
    }

    private void check(Caller caller, String action) throws BusException {
        Object[] reply;
        try {
            reply = bus.call(TIMEOUT_MS, POLKIT, "/org/freedesktop/PolicyKit1/Authority", "org.freedesktop.PolicyKit1.Authority",
                    "CheckAuthorization", "(sa{sv})sa{ss}us",
                    new Object[] {"system-bus-name", Map.of("name", Values.variant(caller.busName(), "s"))}, action, Map.of(),
                    new UInt32(1), "");
        } catch (BusException e) {
            if (UNREACHABLE.contains(e.name())) {
                unavailable(caller, action, e.getMessage());
                return;
            }
            DaemonLog.warning("polkit refused to decide " + action + " for " + caller + ": " + e.name() + ": " + e.getMessage());
            throw new BusException(BusException.ACCESS_DENIED, "Authorization error: " + e.getMessage());
        } catch (IOException e) {
            unavailable(caller, action, e.getMessage());
            return;
        }
        List<Object> result = Values.list(reply[0]);
        boolean authorized = Boolean.TRUE.equals(result.get(0));
        boolean challenge = Boolean.TRUE.equals(result.get(1));
        if (authorized) {
            DaemonLog.debug("polkit: " + action + " allowed for " + caller);
            return;
        }
        DaemonLog.info("polkit: " + action + " denied for " + caller + (challenge ? " (authentication needed, no agent answered)" : ""));
        throw new BusException(BusException.ACCESS_DENIED, "Not authorized: " + action + " is not allowed for user "
                + userName(caller.uid()) + (challenge ? " (authentication is required and no authentication agent answered)" : ""));
    }

    private static void unavailable(Caller caller, String action, String why) throws BusException {
        if (caller.uid() == 0) {
            DaemonLog.warning("polkit unavailable (" + why + "): " + action + " allowed for " + caller + " because it is root");
            return;
        }
        DaemonLog.warning("polkit unavailable (" + why + "): " + action + " denied for " + caller);
        throw new BusException(BusException.ACCESS_DENIED, "Authorization error: polkit unavailable");
    }

    private static String userName(int uid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/passwd"))) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
                    return f[0] + " (uid " + uid + ")";
                }
            }
        } catch (IOException e) {
            // The number alone, then.
        }
        return "uid " + uid;
    }
}
