package org.aptostree.cli.system;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.DirectMode;
import org.aptostree.daemon.transaction.Initiator;
import org.aptostree.daemon.transaction.Transaction;
import org.aptostree.daemon.transaction.TransactionContext;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.daemon.transaction.TransactionListener;
import org.aptostree.daemon.transaction.TransactionResult;
import org.aptostree.daemon.transaction.TransactionState;

/**
 * Runs a system verb through apt-ostreed or, when there is none, in this process (direct mode), and shows it the
 * same way both ways: progress on stderr (one rewritten line on a terminal, a line per state otherwise), the
 * result's lines on stdout, a failure as {@code error: MESSAGE} (and what explains it) with exit code 1, and with
 * {@code --unchanged-exit-77} a transaction that changed nothing as exit code 77. Ctrl-C asks whether to cancel.
 */
final class TransactionRunner {
    private TransactionRunner() {
    }

    /** The daemon's method for a verb, with its arguments. */
    record DaemonCall(String method, String signature, Object... args) {
        /** The arguments as sent: option sets become {@code a{sv}} values only now, which direct mode never needs. */
        Object[] wireArgs() {
            return java.util.Arrays.stream(args).map(a -> a instanceof DaemonOptions o ? o.map() : a).toArray();
        }
    }

    /** The same verb in direct mode: the engine's transaction. */
    @FunctionalInterface
    interface DirectTransaction {
        Transaction create(SystemRoot root) throws TransactionException;
    }

    /** A read-only verb in direct mode. */
    @FunctionalInterface
    interface DirectQuery<T> {
        T read(SystemRoot root) throws TransactionException;
    }

    /** A read-only verb through the daemon. */
    @FunctionalInterface
    interface DaemonQuery<T> {
        T read(DaemonClient daemon);
    }

    /** The command line, as the initiator of the transactions of this process. */
    static Initiator initiator() {
        return Initiator.self(commandLine());
    }

    /** How the daemon shows who asked: the verb as typed. */
    static String commandLine() {
        List<String> args = ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
        int main = args.indexOf("org.aptostree.cli.Main");
        if (main >= 0) {
            return "apt-ostree " + String.join(" ", args.subList(main + 1, args.size()));
        }
        return ProcessHandle.current().info().commandLine().orElse("apt-ostree");
    }

    /** Runs a transaction, through the daemon or directly; returns the exit code. */
    static int run(SystemOptions options, DaemonCall call, DirectTransaction direct, boolean unchangedExit77) {
        Progress progress = new Progress();
        Optional<DaemonClient> daemon = DaemonClient.forVerb(options, true);
        Interrupts interrupts = Interrupts.install(progress.tty);
        boolean changed;
        List<String> output;
        try {
            if (daemon.isPresent()) {
                try (DaemonClient c = daemon.get()) {
                    DaemonClient.Outcome o = c.transaction(call.method(), call.signature(), call.wireArgs(), progress, interrupts);
                    progress.end();
                    if (!o.success()) {
                        throw new ExitCodeException(1, o.message() + (o.details().isBlank() ? "" : "\n" + o.details().stripTrailing()));
                    }
                    changed = o.changed();
                    output = o.output();
                }
            } else {
                try {
                    SystemRoot root = options.open();
                    TransactionContext context = new TransactionContext(progress);
                    interrupts.install(context::cancel);
                    TransactionResult result = DirectMode.run(root, direct.create(root), context);
                    progress.end();
                    changed = result.changed();
                    output = result.output();
                } catch (TransactionException e) {
                    progress.end();
                    throw failure(e);
                }
            }
        } finally {
            interrupts.install(null);
        }
        print(output);
        return !changed && unchangedExit77 ? 77 : 0;
    }

    /** Runs a read-only verb, through the daemon or directly. */
    static <T> T query(SystemOptions options, DaemonQuery<T> viaDaemon, DirectQuery<T> direct) {
        Optional<DaemonClient> daemon = DaemonClient.forVerb(options, false);
        if (daemon.isPresent()) {
            try (DaemonClient c = daemon.get()) {
                return viaDaemon.read(c);
            }
        }
        try {
            return direct.read(options.open());
        } catch (TransactionException e) {
            throw failure(e);
        }
    }

    static ExitCodeException failure(TransactionException e) {
        String details = e.details().isBlank() ? "" : "\n" + e.details().stripTrailing();
        return new ExitCodeException(1, e.getMessage() + details);
    }

    static void print(List<String> lines) {
        lines.forEach(System.out::println);
    }

    /** Progress on stderr: a bar on a terminal, a line per state otherwise. */
    private static final class Progress implements TransactionListener {
        private final PrintStream err = System.err;
        private final boolean tty = System.console() != null;
        private TransactionState last;
        private boolean drawn;

        @Override
        public synchronized void changed(TransactionState state, String message, int percentage) {
            if (state == TransactionState.QUEUED && message.equals("Queued")) {
                // Nothing is ahead: it starts at once, as it would in direct mode.
                return;
            }
            if (tty) {
                int filled = percentage / 5;
                String line = String.format("[%s%s] %3d%% %s: %s", "#".repeat(filled), " ".repeat(20 - filled), percentage, state.wireName(),
                        message);
                err.print("\r\033[K" + (line.length() > 110 ? line.substring(0, 110) : line));
                drawn = true;
            } else if (state != last) {
                err.println(state.wireName() + ": " + message);
            }
            last = state;
        }

        synchronized void end() {
            if (tty && drawn) {
                err.println();
            }
            drawn = false;
        }
    }

    /**
     * Ctrl-C while a transaction runs: on a terminal, asks whether to cancel it (as rpm-ostree's client does);
     * otherwise cancels it. Without a transaction it ends the command as usual.
     */
    static final class Interrupts implements DaemonClient.CancelHook {
        private final boolean tty;
        private volatile Runnable cancel;

        private Interrupts(boolean tty) {
            this.tty = tty;
        }

        static Interrupts install(boolean tty) {
            Interrupts i = new Interrupts(tty);
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> i.interrupted());
            } catch (IllegalArgumentException e) {
                // The JVM was started to leave SIGINT alone (-Xrs): Ctrl-C ends it as usual.
            }
            return i;
        }

        @Override
        public void install(Runnable c) {
            this.cancel = c;
        }

        private void interrupted() {
            Runnable c = cancel;
            if (c == null) {
                System.exit(130);
            }
            if (tty) {
                String answer = System.console().readLine("%nCancel the transaction? [y/N] ");
                if (answer == null || !answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
                    return;
                }
            }
            System.err.println("Cancelling the transaction at its next safe point...");
            c.run();
        }
    }
}
