package org.aptostree.cli.ostree;

import java.util.concurrent.Callable;

import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true, description = "Initialize a new empty repository.")
final class InitCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = "--mode", defaultValue = "bare", description = "Initialize repository in given mode (bare, bare-user, bare-user-only, archive).")
    String mode;

    @Override
    public Integer call() throws Exception {
        Repository.init(repo.path(), RepoMode.parse(mode));
        return 0;
    }
}
