package org.aptostree.cli.ostree;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code apt-ostree ostree} command group: the {@code ostree} CLI's verbs on a repository. */
@Command(name = "ostree", mixinStandardHelpOptions = true,
        description = "Operate on OSTree repositories, with the ostree CLI's verbs and options.")
public final class OstreeCommand {
    /** The verbs, registered by {@code Main} on demand so a command builds only the model it runs. */
    public static final List<Class<?>> VERBS = List.of(InitCommand.class, CommitCommand.class, CheckoutCommand.class,
            LsCommand.class, CatCommand.class, ShowCommand.class, LogCommand.class, RefsCommand.class, RevParseCommand.class,
            FsckCommand.class, PruneCommand.class, SummaryCommand.class, RemoteCommand.class, PullCommand.class,
            PullLocalCommand.class, GpgSignCommand.class, AdminCommand.class, ContainerCommand.class);

    /** The verbs of those verbs that have their own ({@code admin}), registered by {@code Main} the same way. */
    public static final Map<Class<?>, List<Class<?>>> NESTED_VERBS = Map.of(AdminCommand.class, AdminCommand.VERBS);

    @Option(names = "--repo", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "Path to the OSTree repository (default: $OSTREE_REPO).")
    Path repo;

    /** The repository path, defaulting like ostree to {@code $OSTREE_REPO}. */
    Path path() {
        if (repo != null) {
            return repo;
        }
        String env = System.getenv("OSTREE_REPO");
        if (env == null || env.isEmpty()) {
            throw new IllegalArgumentException("Command requires a --repo argument");
        }
        return Path.of(env);
    }

    Repository open() throws IOException, OstreeFormatException {
        return Repository.open(path());
    }
}
