package org.aptostree.cli.system;

import java.nio.file.Path;
import java.util.Optional;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException;

import picocli.CommandLine.Option;

/** The options every system verb has, as rpm-ostree's: the system root and the stateroot; and direct mode. */
final class SystemOptions {
    @Option(names = "--sysroot", paramLabel = "PATH", description = "Use system root PATH (default: /)")
    Path sysroot;

    @Option(names = {"--os", "--stateroot"}, paramLabel = "OSNAME", description = "Operate on stateroot OSNAME (default: the booted one)")
    String os;

    @Option(names = "--direct", description = "Work in this process instead of through apt-ostreed")
    boolean direct;

    SystemRoot open() throws TransactionException {
        return SystemRoot.open(sysrootPath(), Optional.ofNullable(os));
    }

    Path sysrootPath() {
        return (sysroot != null ? sysroot : Path.of("/")).toAbsolutePath().normalize();
    }

    /** The daemon's options for this verb, starting with the stateroot when one was named. */
    DaemonOptions daemonOptions() {
        return new DaemonOptions().string("os", os);
    }
}
