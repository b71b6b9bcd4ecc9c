package org.aptostree.cli.ostree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

import org.aptostree.cli.ExitCodeException;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployer;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.EtcMerge;
import org.aptostree.ostree.sysroot.KernelArgs;
import org.aptostree.ostree.sysroot.StagedDeployment;
import org.aptostree.ostree.sysroot.Sysroot;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/** {@code apt-ostree ostree admin}: the deployment verbs of {@code ostree admin}, on {@code /} or {@code --sysroot}. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Commands for managing a host system booted with ostree.")
final class AdminCommand {
    /** The verbs, registered by {@code Main} on demand like the {@code ostree} group's own. */
    static final List<Class<?>> VERBS = List.of(InitFs.class, OsInit.class, Deploy.class, Status.class, Undeploy.class,
            SetDefault.class, Pin.class, Cleanup.class, ConfigDiff.class, FinalizeStaged.class, Kargs.class);

    @Option(names = "--sysroot", paramLabel = "PATH", scope = ScopeType.INHERIT, description = "Create a new OSTree sysroot at PATH")
    Path sysroot;

    Path root() {
        return sysroot != null ? sysroot : Path.of("/");
    }

    Sysroot load() throws IOException, OstreeFormatException {
        return Sysroot.load(root());
    }

    /** Takes the sysroot lock as ostree admin does, saying so while another process holds it. */
    Deployer lock() throws IOException, OstreeFormatException {
        return Deployer.lock(root(), () -> System.out.println("Waiting for sysroot lock..."));
    }

    /** The stateroot to act on: {@code --os}, else the booted one, else the only one. */
    static String osname(Sysroot s, String given) throws IOException {
        if (given != null) {
            return given;
        }
        if (s.booted().isPresent()) {
            return s.booted().get().osname();
        }
        List<String> roots = s.stateroots();
        if (roots.size() == 1) {
            return roots.get(0);
        }
        throw new IllegalArgumentException("Not currently booted into an OSTree system and no --os= argument given");
    }

    /** {@code --os}/{@code --stateroot}, shared by the verbs that act on one stateroot. */
    static final class StaterootOption {
        @Option(names = {"--os", "--stateroot"}, paramLabel = "STATEROOT", description = "Use a different operating system root than the current one")
        String os;
    }

    @Command(name = "init-fs", mixinStandardHelpOptions = true, description = "Initialize a root filesystem.")
    static final class InitFs implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Option(names = "--modern", description = "Only create /boot and /ostree")
        boolean modern;

        @Parameters(index = "0", paramLabel = "PATH")
        Path path;

        @Override
        public Integer call() throws Exception {
            Deployer.initFs(path, modern);
            return 0;
        }
    }

    @Command(name = "os-init", aliases = "stateroot-init", mixinStandardHelpOptions = true, description = "Initialize empty state for given operating system.")
    static final class OsInit implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", paramLabel = "STATEROOT")
        String osname;

        @Override
        public Integer call() throws Exception {
            try (Deployer d = admin.lock()) {
                d.osInit(osname);
            }
            System.out.println("ostree/deploy/" + osname + " initialized as OSTree root");
            return 0;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true, description = "Checkout revision REFSPEC as the new default deployment.")
    static final class Deploy implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Mixin
        StaterootOption stateroot;

        @Option(names = "--origin-file", paramLabel = "FILENAME", description = "Specify origin file")
        Path originFile;

        @Option(names = "--retain", description = "Do not delete previous deployments")
        boolean retain;

        @Option(names = "--not-as-default", description = "Append rather than prepend new deployment")
        boolean notAsDefault;

        @Option(names = "--no-merge", description = "Do not apply configuration (/etc and kernel arguments) from booted deployment")
        boolean noMerge;

        @Option(names = "--no-prune", description = "Don't prune the repo when done")
        boolean noPrune;

        @Option(names = "--stage", description = "Complete deployment at OS shutdown")
        boolean stage;

        @Option(names = "--karg-proc-cmdline", description = "Import current /proc/cmdline")
        boolean kargProcCmdline;

        @Option(names = "--karg", paramLabel = "NAME=VALUE", description = "Set kernel argument, like root=/dev/sda1; this overrides any earlier argument with the same name")
        List<String> karg = new ArrayList<>();

        @Option(names = "--karg-append", paramLabel = "NAME=VALUE", description = "Append kernel argument; useful with e.g. console= that can be used multiple times")
        List<String> kargAppend = new ArrayList<>();

        @Option(names = "--karg-delete", paramLabel = "NAME=VALUE", description = "Delete kernel argument if exists")
        List<String> kargDelete = new ArrayList<>();

        @Option(names = "--karg-none", description = "Do not import kernel arguments")
        boolean kargNone;

        @Parameters(index = "0", paramLabel = "REFSPEC")
        String refspec;

        @Override
        public Integer call() throws Exception {
            try (Deployer d = admin.lock()) {
                return deploy(d);
            }
        }

        private int deploy(Deployer d) throws IOException, OstreeFormatException {
            Sysroot s = d.sysroot();
            String osname = AdminCommand.osname(s, stateroot.os);
            Repository repo = s.repo();
            ObjectId commit = repo.resolveRev(refspec);
            KeyFile origin;
            if (originFile != null) {
                origin = KeyFile.parse(Files.readString(originFile), originFile.toString());
            } else {
                origin = KeyFile.parse("", "origin");
                origin.set("origin", "refspec", refspec);
            }
            UnaryOperator<KernelArgs> kargs = k -> {
                KernelArgs out = kargNone ? new KernelArgs(List.of()) : k;
                if (kargProcCmdline) {
                    try {
                        for (String a : KernelArgs.parse(Files.readString(Path.of("/proc/cmdline")).strip()).args()) {
                            if (!a.startsWith("BOOT_IMAGE=") && !a.startsWith("initrd=") && !a.startsWith("ostree=")) {
                                out = out.replace(a);
                            }
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                for (String a : karg) {
                    out = out.replace(a);
                }
                for (String a : kargAppend) {
                    out = out.append(a);
                }
                for (String a : kargDelete) {
                    out = out.delete(a);
                }
                return out;
            };
            Deployer.Result r = d.deploy(commit, Deployer.DeployOptions.of(osname, origin)
                    .withKargs(kargs).withRetain(retain).withNotAsDefault(notAsDefault).withNoMerge(noMerge).withPrune(!noPrune).withStage(stage));
            r.etcChanges().ifPresent(diff -> System.out.println("Copying /etc changes: " + diff.modified().size() + " modified, "
                    + diff.removed().size() + " removed, " + diff.added().size() + " added"));
            System.out.println((stage ? "Staged" : "Transaction complete; deployed") + " " + osname + " " + r.deployment().dirName());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "List deployments.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Option(names = {"-D", "--is-default"}, description = "Output \"default\" if booted into the default deployment, else \"not-default\"")
        boolean isDefault;

        @Option(names = {"-J", "--json"}, description = "Output JSON (an apt-ostree extension)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Sysroot s = admin.load();
            List<Deployment> list = s.deployments();
            if (isDefault) {
                boolean def = s.booted().isPresent() && !list.isEmpty() && list.get(0).sameDeployment(s.booted().get());
                System.out.println(def ? "default" : "not-default");
                return 0;
            }
            Repository repo = s.repo();
            if (json) {
                System.out.println(StatusJson.format(s, repo));
                return 0;
            }
            // libostree reads the staged deployment only on a booted system, and lists it first.
            Optional<StagedDeployment> staged = s.booted().isPresent() ? s.staged() : Optional.empty();
            List<Entry> all = new ArrayList<>();
            if (staged.isPresent()) {
                StagedDeployment st = staged.get();
                Path origin = s.root().resolve("ostree/deploy").resolve(st.osname()).resolve("deploy").resolve(st.dirName() + ".origin");
                all.add(new Entry(st.osname(), st.commit(), st.dirName(), false, true, readOrigin(origin)));
            }
            for (Deployment d : list) {
                all.add(new Entry(d.osname(), d.commit(), d.dirName(), d.pinned(), false, Optional.ofNullable(d.origin())));
            }
            if (all.isEmpty()) {
                System.out.println("No deployments.");
                return 0;
            }
            // ostree_sysroot_query_deployments_for: around the booted one, the first other deployment of its
            // stateroot before it is pending, the first after it the rollback.
            int booted = -1;
            int pending = -1;
            int rollback = -1;
            if (s.booted().isPresent()) {
                Deployment b = s.booted().get();
                for (int i = 0; i < all.size(); i++) {
                    Entry e = all.get(i);
                    if (!e.osname().equals(b.osname())) {
                        continue;
                    }
                    if (!e.staged() && e.dirName().equals(b.dirName())) {
                        booted = i;
                    } else if (booted < 0 && pending < 0) {
                        pending = i;
                    } else if (booted >= 0 && rollback < 0) {
                        rollback = i;
                    }
                }
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < all.size(); i++) {
                Entry e = all.get(i);
                String label = e.staged() ? " (staged)" : i == pending ? " (pending)" : i == rollback ? " (rollback)" : "";
                out.append(i == booted ? "* " : "  ").append(e.osname()).append(' ').append(e.dirName()).append(label).append('\n');
                Optional<Commit> commit = readCommit(repo, e.commit());
                commit.flatMap(c -> c.metadata().getString("version")).ifPresent(v -> out.append("    Version: ").append(v).append('\n'));
                if (e.pinned()) {
                    out.append("    Pinned: yes\n");
                }
                if (e.origin().isEmpty()) {
                    out.append("    origin: none\n");
                } else {
                    Optional<String> refspec = e.origin().get().get("origin", "refspec");
                    out.append(refspec.map(r -> "    origin refspec: " + r).orElse("    origin: <unknown origin type>")).append('\n');
                    commit.flatMap(c -> c.metadata().getString("ostree.source-title"))
                            .ifPresent(t -> out.append("    `- ").append(t).append('\n'));
                }
            }
            System.out.print(out);
            return 0;
        }

        /** One line of the listing: a deployment, or the staged one. */
        private record Entry(String osname, ObjectId commit, String dirName, boolean pinned, boolean staged, Optional<KeyFile> origin) {
        }

        private static Optional<KeyFile> readOrigin(Path file) throws IOException, OstreeFormatException {
            try {
                return Optional.of(KeyFile.parse(Files.readString(file), file.toString()));
            } catch (java.nio.file.NoSuchFileException e) {
                return Optional.empty();
            }
        }

        /** ostree stumbles on when a deployment's commit cannot be loaded. */
        private static Optional<Commit> readCommit(Repository repo, ObjectId commit) {
            try {
                return Optional.of(repo.readCommit(commit));
            } catch (IOException | OstreeFormatException e) {
                return Optional.empty();
            }
        }

        static Optional<String> versionOf(Repository repo, ObjectId commit) {
            return readCommit(repo, commit).flatMap(c -> c.metadata().getString("version"));
        }
    }

    @Command(name = "undeploy", mixinStandardHelpOptions = true, description = "Delete deployment INDEX.")
    static final class Undeploy implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", paramLabel = "INDEX")
        int index;

        @Override
        public Integer call() throws Exception {
            try (Deployer d = admin.lock()) {
                checkIndex(d, index);
                System.out.println("Deleted deployment " + d.undeploy(index).dirName());
            }
            return 0;
        }
    }

    static void checkIndex(Deployer d, int index) throws IOException, OstreeFormatException {
        int n = d.sysroot().deployments().size();
        if (index < 0 || index >= n) {
            throw new ExitCodeException(1, "Out of range deployment index " + index + ", expected < " + n);
        }
    }

    @Command(name = "set-default", mixinStandardHelpOptions = true, description = "Set deployment INDEX to be the next boot default.")
    static final class SetDefault implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", paramLabel = "INDEX")
        int index;

        @Override
        public Integer call() throws Exception {
            try (Deployer d = admin.lock()) {
                checkIndex(d, index);
                d.setDefault(index);
            }
            return 0;
        }
    }

    @Command(name = "pin", mixinStandardHelpOptions = true, description = "Change the \"pinning\" state of a deployment.")
    static final class Pin implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Option(names = {"-u", "--unpin"}, description = "Unset pin")
        boolean unpin;

        @Parameters(arity = "1..*", paramLabel = "INDEX")
        List<Integer> indexes;

        @Override
        public Integer call() throws Exception {
            try (Deployer d = admin.lock()) {
                for (int index : indexes) {
                    checkIndex(d, index);
                    System.out.println("Deployment " + d.pin(index, !unpin).dirName() + " is now " + (unpin ? "unpinned" : "pinned"));
                }
            }
            return 0;
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true, description = "Delete untagged deployments and repository objects.")
    static final class Cleanup implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() throws Exception {
            try (Deployer d = admin.lock()) {
                d.cleanup();
            }
            return 0;
        }
    }

    @Command(name = "finalize-staged", mixinStandardHelpOptions = true, description = "Internal command to run at shutdown time.")
    static final class FinalizeStaged implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() throws Exception {
            Optional<Deployment> finalized;
            try (Deployer d = admin.lock()) {
                finalized = d.finalizeStaged();
            }
            System.out.println(finalized.map(x -> "Finalized " + x.osname() + " " + x.dirName()).orElse("No staged deployment to finalize"));
            return 0;
        }
    }

    @Command(name = "kargs", mixinStandardHelpOptions = true, description = "Change kernel arguments.",
            subcommands = AdminCommand.KargsEditInPlace.class)
    static final class Kargs {
        @ParentCommand
        AdminCommand admin;
    }

    @Command(name = "edit-in-place", mixinStandardHelpOptions = true, description = "Set kernel arguments in place on every deployment.")
    static final class KargsEditInPlace implements Callable<Integer> {
        @ParentCommand
        Kargs kargs;

        @Option(names = "--append-if-missing", paramLabel = "NAME=VALUE", description = "Append kernel arguments if they do not exist")
        List<String> append = new ArrayList<>();

        @Option(names = "--delete-if-present", paramLabel = "NAME=VALUE", description = "Delete kernel arguments if they exist")
        List<String> delete = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            try (Deployer d = kargs.admin.lock()) {
                edit(d);
            }
            return 0;
        }

        private void edit(Deployer d) throws IOException, OstreeFormatException {
            d.editKernelArgsInPlace(k -> {
                KernelArgs out = k;
                for (String a : append) {
                    out = out.appendIfMissing(a);
                }
                for (String del : delete) {
                    if (out.args().contains(del) || (!del.contains("=") && out.value(del).isPresent())) {
                        out = out.delete(del);
                    }
                }
                return out;
            });
        }
    }

    @Command(name = "config-diff", mixinStandardHelpOptions = true, description = "Diff current /etc configuration versus default.")
    static final class ConfigDiff implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Mixin
        StaterootOption stateroot;

        @Override
        public Integer call() throws Exception {
            Sysroot s = admin.load();
            String osname = AdminCommand.osname(s, stateroot.os);
            Deployment d = s.mergeDeployment(osname)
                    .orElseThrow(() -> new IllegalArgumentException("No deployment of stateroot " + osname));
            Path dir = d.dir(s.root());
            EtcMerge.Diff diff = EtcMerge.diff(dir.resolve("usr/etc"), dir.resolve("etc"));
            StringBuilder out = new StringBuilder();
            diff.modified().forEach(p -> out.append("M    ").append(p).append('\n'));
            diff.removed().forEach(p -> out.append("D    ").append(p).append('\n'));
            diff.added().forEach(p -> out.append("A    ").append(p).append('\n'));
            System.out.print(out);
            return 0;
        }
    }
}
