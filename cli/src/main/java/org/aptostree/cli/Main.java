package org.aptostree.cli;

import java.io.PrintWriter;

import org.aptostree.cli.deb.DebCommand;
import org.aptostree.cli.ex.ExCommand;
import org.aptostree.cli.ostree.OstreeCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code apt-ostree} command. */
@Command(name = "apt-ostree",
        mixinStandardHelpOptions = true,
        version = "apt-ostree 0.1.0",
        description = "Atomic, image-based Debian systems built from .deb packages on OSTree.",
        subcommands = {OstreeCommand.class, DebCommand.class, ExCommand.class})
public final class Main implements Runnable {

    @Option(names = "--verbose", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, without exiting the JVM (used by tests). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof ExitCodeException exit) {
                if (exit.getMessage() != null) {
                    err.println("error: " + exit.getMessage());
                }
                return exit.exitCode();
            }
            if (verbose) {
                ex.printStackTrace(err);
            } else {
                err.println("error: " + describe(ex));
            }
            err.flush();
            return 1;
        });
        return cl.execute(args);
    }

    private static String describe(Throwable ex) {
        String message = ex.getMessage();
        if (message == null || message.isBlank()) {
            return ex.getClass().getSimpleName();
        }
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory: " + message;
        }
        return message;
    }
}
