package org.aptostree.daemon.dbus;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where dbus-java's logging (SLF4J) goes: to a sink the program sets (the daemon's log), warnings and errors
 * only; by default nowhere. Without a provider SLF4J would print its own warning on every start of the CLI.
 */
public final class LibraryLog implements SLF4JServiceProvider {
    private static volatile BiConsumer<Level, String> sink = (level, message) -> { };

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final Map<String, SinkLogger> loggers = new ConcurrentHashMap<>();
    // dbus-java asks for a logger in every message's constructor: one per name, made once.
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, SinkLogger::new);

    /** Sends dbus-java's warnings and errors to {@code s}. */
    public static void sendTo(BiConsumer<Level, String> s) {
        sink = s;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // Nothing to set up.
    }

    private static final class SinkLogger extends AbstractLogger {
        private static final long serialVersionUID = 1L;

        SinkLogger(String name) {
            this.name = name;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable t) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            sink.accept(level, name + ": " + message + (t == null ? "" : ": " + t));
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }
    }

}
