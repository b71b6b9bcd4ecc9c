package org.aptostree.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.aptostree.cli.deb.DebCommand;
import org.aptostree.cli.ex.ExCommand;
import org.aptostree.cli.ostree.OstreeCommand;
import org.aptostree.cli.system.SystemVerbs;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code apt-ostree} command. */
@Command(name = "apt-ostree",
        mixinStandardHelpOptions = true,
        version = "apt-ostree 0.1.0",
        description = "Atomic, image-based Debian systems built from .deb packages on OSTree.")
public final class Main implements Runnable {
    /**
     * Command groups by name. Building picocli's model of every command costs more than most commands take to run,
     * so only the group (and, where the group lists its verbs, the verb) a command line names is built.
     */
    private static final Map<String, Group> GROUPS = new LinkedHashMap<>();

    static {
        // picocli's default factory otherwise looks for Groovy's Closure class, and a class that is not there is
        // looked for in every jar of the class path: that opens all of them, ~30 ms of every command.
        System.setProperty("picocli.disable.closures", "true");
        GROUPS.put("ostree", new Group(OstreeCommand::new, OstreeCommand.VERBS, OstreeCommand.NESTED_VERBS));
        GROUPS.put("deb", new Group(DebCommand::new, List.of(), Map.of()));
        GROUPS.put("ex", new Group(ExCommand::new, List.of(), Map.of()));
        GROUPS.put("compose", new Group(org.aptostree.cli.compose.ComposeCommand::new, List.of(), Map.of()));
    }

    /** The command groups' names; every other verb is a system verb (the launcher maps their archives by that). */
    static Set<String> groupNames() {
        return Collections.unmodifiableSet(GROUPS.keySet());
    }

    /** Top-level system verbs (status, rollback, ...), registered like the groups' verbs: only the one named. */
    private static final List<Class<?>> SYSTEM_VERBS = SystemVerbs.ALL;

    /**
     * A command group: how to make it, its verbs when it leaves their registration to us, and the verbs of those
     * of its verbs that have their own.
     */
    private record Group(Supplier<Object> factory, List<Class<?>> verbs, Map<Class<?>, List<Class<?>>> nested) {
    }

    @Option(names = "--verbose", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    /** The global {@code --verbose}, which {@code status} also takes as rpm-ostree's. */
    public boolean verbose() {
        return verbose;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, without exiting the JVM (used by tests). */
    public static int execute(String... args) {
        List<String> argList = Arrays.asList(args);
        argList.stream().filter(a -> !a.startsWith("-")).findFirst().ifPresent(verb -> SystemVerbs.startConnecting(verb, argList));
        try {
            return run(args);
        } finally {
            SystemVerbs.stopConnecting();
        }
    }

    private static int run(String... args) {
        CommandLine cl = build(args);
        boolean verbose = Arrays.asList(args).contains("--verbose");
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

    static CommandLine build(String... args) {
        CommandLine cl = new CommandLine(new Main());
        List<String> positionals = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("-")) {
                positionals.add(a);
            }
        }
        String groupName = positionals.isEmpty() ? null : positionals.get(0);
        Optional<Class<?>> system = SystemVerbs.named(groupName);
        if (system.isPresent()) {
            cl.addSubcommand(new CommandLine(system.get()));
            return cl;
        }
        if (!GROUPS.containsKey(groupName)) {
            SYSTEM_VERBS.forEach(v -> cl.addSubcommand(new CommandLine(v)));
        }
        for (Map.Entry<String, Group> g : GROUPS.entrySet()) {
            if (GROUPS.containsKey(groupName) && !g.getKey().equals(groupName)) {
                continue;
            }
            CommandLine group = new CommandLine(g.getValue().factory().get());
            if (g.getKey().equals(groupName)) {
                for (Class<?> verb : named(g.getValue().verbs(), positionals, 1)) {
                    CommandLine line = new CommandLine(verb);
                    for (Class<?> subverb : named(g.getValue().nested().getOrDefault(verb, List.of()), positionals, 2)) {
                        line.addSubcommand(new CommandLine(subverb));
                    }
                    group.addSubcommand(line);
                }
            }
            cl.addSubcommand(g.getKey(), group);
        }
        return cl;
    }

    /** The whole command tree, every group with all its verbs, for what documents it (man page, completion). */
    public static CommandLine fullModel() {
        CommandLine cl = new CommandLine(new Main());
        SYSTEM_VERBS.forEach(v -> cl.addSubcommand(new CommandLine(v)));
        for (Map.Entry<String, Group> g : GROUPS.entrySet()) {
            CommandLine group = new CommandLine(g.getValue().factory().get());
            for (Class<?> verb : g.getValue().verbs()) {
                CommandLine line = new CommandLine(verb);
                g.getValue().nested().getOrDefault(verb, List.of()).forEach(v -> line.addSubcommand(new CommandLine(v)));
                group.addSubcommand(line);
            }
            cl.addSubcommand(g.getKey(), group);
        }
        return cl;
    }

    /** The verb the command line names at {@code position} among its positionals, or all when it names none of them. */
    private static List<Class<?>> named(List<Class<?>> verbs, List<String> positionals, int position) {
        String name = positionals.size() > position ? positionals.get(position) : null;
        List<Class<?>> named = verbs.stream().filter(v -> v.getAnnotation(Command.class).name().equals(name)).toList();
        return named.isEmpty() ? verbs : named;
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
