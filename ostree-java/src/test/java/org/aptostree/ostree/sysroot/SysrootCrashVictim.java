package org.aptostree.ostree.sysroot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.Repository;

/** Run in a child JVM by {@link SysrootProcessesTest}: deploys, stages, rolls back and cleans up until killed. */
public final class SysrootCrashVictim {
    private SysrootCrashVictim() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path tree = Path.of(args[1]);
        int start = Integer.parseInt(args[2]);
        for (int i = start; ; i++) {
            Files.writeString(tree.resolve("usr/bin/tool"), "tool " + i + "\n");
            Files.writeString(tree.resolve("usr/etc/version"), i + "\n");
            if (i % 3 == 0) {
                Files.writeString(tree.resolve("usr/lib/modules/6.1.0-test/vmlinuz"), "KERNEL build " + i + "\n");
            }
            Repository repo = Repository.open(root.resolve("ostree/repo"));
            ObjectId commit = new CommitBuilder(repo).branch("debian/test").timestamp(i)
                    .metadata(org.aptostree.ostree.gvariant.VariantDict.empty()
                            .with("version", org.aptostree.ostree.gvariant.Variant.ofString("v" + i)))
                    .commitDirectory(tree);
            KeyFile origin = KeyFile.parse("[origin]\nrefspec=debian/test\n", "origin");
            try (Deployer deployer = Deployer.lock(root)) {
                switch (i % 4) {
                    case 2 -> {
                        deployer.deploy(commit, Deployer.DeployOptions.of("debian", origin).withStage(true));
                        deployer.finalizeStaged();
                    }
                    case 3 -> {
                        if (deployer.sysroot().deployments().size() > 1) {
                            deployer.rollback();
                        }
                        deployer.cleanup();
                    }
                    default -> deployer.deploy(commit, Deployer.DeployOptions.of("debian", origin)
                            .withKargs(k -> k.replace("quiet").replace("iteration=" + List.of(1).size())));
                }
            }
        }
    }
}
