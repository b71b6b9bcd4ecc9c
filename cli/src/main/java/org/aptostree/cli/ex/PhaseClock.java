package org.aptostree.cli.ex;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The elapsed time of each phase of a command, for {@code --timings}: each {@link #lap} ends the phase named. */
final class PhaseClock {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long last = System.nanoTime();
    /** When the clock was made, for the phase "start"; -1 for a clock without it. */
    private final long createdMillis;

    PhaseClock() {
        this(-1);
    }

    private PhaseClock(long createdMillis) {
        this.createdMillis = createdMillis;
    }

    /**
     * A clock whose first phase, {@code start}, is the time from the JVM's start to now: class loading and the
     * command line's parsing. Not the process's start time: the kernel's boot time that it is counted from is
     * rounded to the second, which made that phase up to a second too long.
     */
    static PhaseClock sinceJvmStart() {
        return new PhaseClock(System.currentTimeMillis());
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
        if (createdMillis >= 0) {
            // Asked for only here: the management classes would slow every run's start otherwise.
            b.append("start ").append(createdMillis - ManagementFactory.getRuntimeMXBean().getStartTime()).append(" ms");
        }
        nanos.forEach((phase, n) -> b.append(b.length() == 0 ? "" : ", ").append(phase).append(' ')
                .append(n / 1_000_000).append(" ms"));
        return b.toString();
    }
}
