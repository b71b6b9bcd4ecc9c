package org.aptostree.cli.ex;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The elapsed time of each phase of a command, for {@code --timings}: each {@link #lap} ends the phase named. */
final class PhaseClock {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /**
     * A clock whose first phase, {@code start}, is the time from the process's start (as the kernel records it,
     * in clock ticks) to now: the JVM's start and the command line's parsing.
     */
    static PhaseClock sinceProcessStart() {
        PhaseClock clock = new PhaseClock();
        ProcessHandle.current().info().startInstant().ifPresent(
                started -> clock.nanos.put("start", Duration.between(started, Instant.now()).toNanos()));
        return clock;
    }

    void lap(String phase) {
        long now = System.nanoTime();
        add(phase, Duration.ofNanos(now - last));
        last = now;
    }

    /** Adds a phase measured elsewhere; it does not move the clock. */
    void add(String phase, Duration time) {
        nanos.merge(phase, time.toNanos(), Long::sum);
    }

    /** {@code phase N ms, …} in the order the phases first ended. */
    String summary() {
        StringBuilder b = new StringBuilder();
        nanos.forEach((phase, n) -> b.append(b.length() == 0 ? "" : ", ").append(phase).append(' ')
                .append(n / 1_000_000).append(" ms"));
        return b.toString();
    }
}
