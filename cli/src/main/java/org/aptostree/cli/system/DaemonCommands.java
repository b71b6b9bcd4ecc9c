package org.aptostree.cli.system;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.Values;
import org.freedesktop.dbus.types.Variant;

import picocli.CommandLine.Command;

/** {@code daemon-ping} and {@code daemon-status}: is apt-ostreed there, and what is it doing. */
final class DaemonCommands {
    private DaemonCommands() {
    }

    static DaemonClient connect() {
        try {
            return DaemonClient.connect();
        } catch (DaemonClient.Unavailable e) {
            throw new ExitCodeException(1, "apt-ostreed is not running: " + e.getMessage());
        } catch (BusException | java.io.IOException e) {
            throw new ExitCodeException(1, "apt-ostreed did not answer: " + e.getMessage());
        }
    }

    @Command(name = "daemon-ping", mixinStandardHelpOptions = true, description = "Check that apt-ostreed answers on the system bus.")
    static final class Ping implements Callable<Integer> {
        @Override
        public Integer call() {
            try (DaemonClient d = connect()) {
                System.out.println(d.call(DaemonClient.DAEMON_PATH, DaemonClient.DAEMON_INTERFACE, "Ping", null)[0]);
                return 0;
            }
        }
    }

    @Command(name = "daemon-status", mixinStandardHelpOptions = true, description = "Show what apt-ostreed is doing.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            try (DaemonClient d = connect()) {
                Map<String, Variant<?>> p = d.properties(DaemonClient.DAEMON_PATH, DaemonClient.DAEMON_INTERFACE);
                StringBuilder out = new StringBuilder();
                out.append(value(p, "Version")).append('\n');
                long up = ((Number) value(p, "Uptime")).longValue();
                field(out, "Uptime", up / 3600 + "h " + up / 60 % 60 + "m " + up % 60 + "s");
                field(out, "Sysroot", value(p, "Sysroot"));
                boolean ostree = Boolean.TRUE.equals(value(p, "OstreeSystem"));
                field(out, "OSTree system", ostree ? "yes" : "no: " + value(p, "EnvironmentError"));
                long idle = ((Number) value(p, "IdleExitTimeout")).longValue();
                field(out, "Idle exit", idle == 0 ? "never" : "after " + idle + " s");
                List<String> queue = Values.strings(value(p, "Queue"));
                field(out, "Queue", queue.isEmpty() ? "empty" : String.join(" ", queue));
                List<Object> txs = Values.list(value(p, "Transactions"));
                out.append("Transactions:").append(txs.isEmpty() ? " none\n" : "\n");
                for (Object o : txs) {
                    Map<?, ?> t = (Map<?, ?>) o;
                    out.append("  ").append(get(t, "address")).append(' ').append(get(t, "title")).append(": ").append(get(t, "state"));
                    String message = String.valueOf(get(t, "message"));
                    if (!message.isEmpty()) {
                        out.append(" (").append(message).append(')');
                    }
                    out.append("\n    initiator: ").append(get(t, "initiator")).append('\n');
                }
                System.out.print(out);
                return 0;
            }
        }

        private static Object value(Map<String, Variant<?>> p, String key) {
            return p.get(key).getValue();
        }

        private static Object get(Map<?, ?> m, String key) {
            Object v = m.get(key);
            return v instanceof Variant<?> var ? var.getValue() : v;
        }

        private static void field(StringBuilder out, String name, Object value) {
            out.append(String.format("%15s: %s%n", name, value));
        }
    }
}
