package org.aptostree.daemon.service;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The daemon's log: one line per event on stderr, with its level (debug, info, warning, error, critical). Under
 * systemd, where stderr is the journal ({@code JOURNAL_STREAM} set), each line starts with the syslog priority
 * ({@code <6>}) that journald reads as the entry's level.
 */
public final class DaemonLog {
    /** The levels, least severe first. */
    public enum Level {
        DEBUG(7), INFO(6), WARNING(4), ERROR(3), CRITICAL(2);

        private final int syslogPriority;

        Level(int syslogPriority) {
            this.syslogPriority = syslogPriority;
        }

        /** A level by its name, as {@code --log-level} takes it. */
        public static Level parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--log-level: expected debug, info, warning, error or critical, not '" + name + "'");
            }
        }
    }

    private static volatile Level threshold = Level.INFO;
    private static volatile boolean journal = System.getenv("JOURNAL_STREAM") != null;
    private static volatile PrintStream out = System.err;

    private DaemonLog() {
    }

    public static void setThreshold(Level level) {
        threshold = level;
    }

    public static boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    public static void debug(String message) {
        log(Level.DEBUG, message);
    }

    public static void info(String message) {
        log(Level.INFO, message);
    }

    public static void warning(String message) {
        log(Level.WARNING, message);
    }

    public static void error(String message) {
        log(Level.ERROR, message);
    }

    public static void critical(String message) {
        log(Level.CRITICAL, message);
    }

    public static void log(Level level, String message) {
        if (!enabled(level)) {
            return;
        }
        String line = (journal ? "<" + level.syslogPriority + ">" : "") + level.name().toLowerCase(Locale.ROOT) + ": "
                + message.replace('\n', ' ');
        synchronized (DaemonLog.class) {
            out.println(line);
            out.flush();
        }
    }
}
