package org.aptostree.cli.ostree;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.aptostree.openpgp.Keyring;
import org.aptostree.ostree.repo.Remote;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "remote", mixinStandardHelpOptions = true, description = "Remote commands that may involve internet access.",
        subcommands = {RemoteCommand.Add.class, RemoteCommand.Delete.class, RemoteCommand.ListRemotes.class,
            RemoteCommand.ShowUrl.class, RemoteCommand.GpgImport.class})
final class RemoteCommand {
    @ParentCommand
    OstreeCommand repo;

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a remote repository.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        RemoteCommand parent;

        @Option(names = "--no-gpg-verify", description = "Disable GPG verification")
        boolean noGpgVerify;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set config option KEY=VALUE for remote")
        List<String> sets = new ArrayList<>();

        @Option(names = "--if-not-exists", description = "Do nothing if the provided remote exists")
        boolean ifNotExists;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "URL")
        String url;

        @Parameters(index = "2..*", paramLabel = "BRANCH")
        List<String> branches = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Repository r = parent.repo.open();
            if (ifNotExists && r.remote(name).isPresent()) {
                return 0;
            }
            Map<String, String> opts = new LinkedHashMap<>();
            if (!branches.isEmpty()) {
                opts.put("branches", String.join(";", branches) + ";");
            }
            for (String kv : sets) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("Invalid --set '" + kv + "': expected KEY=VALUE");
                }
                opts.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            if (noGpgVerify) {
                opts.put("gpg-verify", "false");
            }
            r.addRemote(name, url, opts);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a remote repository.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        RemoteCommand parent;

        @Option(names = "--if-exists", description = "Do nothing if the provided remote does not exist")
        boolean ifExists;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            Repository r = parent.repo.open();
            if (ifExists && r.remote(name).isEmpty()) {
                return 0;
            }
            r.deleteRemote(name);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List remote repository names.")
    static final class ListRemotes implements Callable<Integer> {
        @ParentCommand
        RemoteCommand parent;

        @Option(names = {"-u", "--show-urls"}, description = "Show remote URLs in list")
        boolean showUrls;

        @Override
        public Integer call() throws Exception {
            List<Remote> remotes = new ArrayList<>(parent.repo.open().remotes());
            remotes.sort((a, b) -> a.name().compareTo(b.name()));
            int width = remotes.stream().mapToInt(x -> x.name().length()).max().orElse(0);
            for (Remote rem : remotes) {
                System.out.println(showUrls ? String.format("%-" + width + "s  %s", rem.name(), rem.url()) : rem.name());
            }
            return 0;
        }
    }

    @Command(name = "show-url", mixinStandardHelpOptions = true, description = "Show remote repository URL.")
    static final class ShowUrl implements Callable<Integer> {
        @ParentCommand
        RemoteCommand parent;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            Remote rem = parent.repo.open().remote(name)
                    .orElseThrow(() -> new IllegalArgumentException("Remote \"" + name + "\" not found"));
            System.out.println(rem.url());
            return 0;
        }
    }

    @Command(name = "gpg-import", mixinStandardHelpOptions = true, description = "Import GPG keys into the remote's trusted keyring.")
    static final class GpgImport implements Callable<Integer> {
        @ParentCommand
        RemoteCommand parent;

        @Option(names = {"-k", "--keyring"}, required = true, paramLabel = "FILE", description = "Import keys from a keyring file")
        Path keyring;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            Repository r = parent.repo.open();
            r.remote(name).orElseThrow(() -> new IllegalArgumentException("Remote \"" + name + "\" not found"));
            Keyring keys = Keyring.load(List.of(keyring));
            int n = keys.size();
            Path target = r.path().resolve(name + ".trustedkeys.gpg");
            byte[] existing = Files.exists(target) ? Files.readAllBytes(target) : new byte[0];
            byte[] added = keys.encoded();
            Path tmp = Files.createTempFile(r.path(), ".trustedkeys", ".tmp");
            Files.write(tmp, existing);
            Files.write(tmp, added, java.nio.file.StandardOpenOption.APPEND);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("Imported " + n + " GPG key" + (n == 1 ? "" : "s") + " to remote \"" + name + "\"");
            return 0;
        }
    }
}
