package org.aptostree.cli.system;

import java.nio.file.Path;
import java.util.Optional;

import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.TransactionException;

import picocli.CommandLine.Option;

/** The options every system verb has, as rpm-ostree's: the system root and the stateroot. */
final class SystemOptions {
    @Option(names = "--sysroot", paramLabel = "PATH", description = "Use system root PATH (default: /)")
    Path sysroot;

    @Option(names = {"--os", "--stateroot"}, paramLabel = "OSNAME", description = "Operate on stateroot OSNAME (default: the booted one)")
    String os;

    SystemRoot open() throws TransactionException {
        return SystemRoot.open(sysroot != null ? sysroot : Path.of("/"), Optional.ofNullable(os));
    }
}
