package org.aptostree.daemon.transaction;

import java.util.Objects;

import org.aptostree.ostree.sysroot.EffectiveUser;

/**
 * Who asked for a transaction: the caller's uid and pid and its command line, as the daemon learns them from the bus
 * (or the CLI of its own process in direct mode).
 */
public record Initiator(int uid, long pid, String commandLine) {
    public Initiator {
        Objects.requireNonNull(commandLine, "commandLine");
    }

    /** This process, for direct mode. */
    public static Initiator self(String commandLine) {
        return new Initiator(EffectiveUser.uid(), ProcessHandle.current().pid(), commandLine);
    }

    @Override
    public String toString() {
        return "uid " + uid + ", pid " + pid + (commandLine.isEmpty() ? "" : ": " + commandLine);
    }
}
