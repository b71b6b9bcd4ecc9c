package org.aptostree.cli.system;

import java.io.PrintStream;
import java.util.List;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.DirectMode;
import org.aptostree.daemon.transaction.Initiator;
import org.aptostree.daemon.transaction.Transaction;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.daemon.transaction.TransactionListener;
import org.aptostree.daemon.transaction.TransactionResult;
import org.aptostree.daemon.transaction.TransactionState;

/**
 * Runs a system verb's transaction and shows it: progress on stderr (one rewritten line on a terminal, a line per
 * state otherwise), the result's lines on stdout, a failure as {@code error: MESSAGE} (and what explains it) with
 * exit code 1, and with {@code --unchanged-exit-77} a transaction that changed nothing as exit code 77.
 */
final class TransactionRunner {
    private TransactionRunner() {
    }

    /** The command line, as the initiator of the transactions of this process. */
    static Initiator initiator() {
        return Initiator.self(ProcessHandle.current().info().commandLine().orElse("apt-ostree"));
    }

    static int run(SystemRoot system, Transaction transaction, boolean unchangedExit77) throws ExitCodeException {
        PrintStream err = System.err;
        boolean tty = System.console() != null;
        TransactionListener listener = new TransactionListener() {
            private TransactionState last;

            @Override
            public void changed(TransactionState state, String message, int percentage) {
                if (tty) {
                    String line = String.format("[%3d%%] %s: %s", percentage, state.wireName(), message);
                    err.print("\r\033[K" + (line.length() > 100 ? line.substring(0, 100) : line));
                } else if (state != last) {
                    err.println(state.wireName() + ": " + message);
                }
                last = state;
            }
        };
        TransactionResult result;
        try {
            result = DirectMode.run(system, transaction, listener);
        } catch (TransactionException e) {
            if (tty) {
                err.println();
            }
            throw failure(e);
        }
        if (tty) {
            err.println();
        }
        print(result.output());
        return !result.changed() && unchangedExit77 ? 77 : 0;
    }

    static ExitCodeException failure(TransactionException e) {
        String details = e.details().isBlank() ? "" : "\n" + e.details().stripTrailing();
        return new ExitCodeException(1, e.getMessage() + details);
    }

    static void print(List<String> lines) {
        lines.forEach(System.out::println);
    }
}
