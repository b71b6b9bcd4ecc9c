package org.aptostree.cli.system;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployer;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.StagedDeployment;
import org.aptostree.ostree.sysroot.Sysroot;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The system verbs that work on the deployments directly (in-process), as rpm-ostree's: {@code status},
 * {@code rollback}, {@code cleanup}. On a system that is not an OSTree system they fail with a clear message.
 */
public final class SystemCommands {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

    private SystemCommands() {
    }

    /** The verbs, for registration by {@code Main}. */
    public static final List<Class<?>> VERBS = List.of(Status.class, Rollback.class, Cleanup.class);

    /** {@code --sysroot}, like rpm-ostree's: operate on a directory instead of {@code /}. */
    static class SysrootOption {
        @Option(names = "--sysroot", paramLabel = "PATH", description = "Use system root PATH (default: /)")
        Path sysroot;

        Path root() {
            return sysroot != null ? sysroot : Path.of("/");
        }

        /** Takes the sysroot lock (the one ostree admin takes), saying so while another process holds it. */
        Deployer lock() throws java.io.IOException, org.aptostree.ostree.OstreeFormatException {
            return Deployer.lock(root(), () -> System.out.println("Waiting for sysroot lock..."));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Get the version of the booted system.")
    static final class Status extends SysrootOption implements Callable<Integer> {
        @Option(names = "--json", description = "Output JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Sysroot s = Sysroot.load(root());
            Repository repo = s.repo();
            if (json) {
                System.out.println(new com.fasterxml.jackson.databind.ObjectMapper()
                        .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(java.util.Map.of("deployments", s.deployments().stream().map(d -> deploymentJson(s, repo, d)).toList())));
                return 0;
            }
            StringBuilder out = new StringBuilder("State: idle\nDeployments:\n");
            Optional<StagedDeployment> staged = s.staged();
            if (staged.isPresent()) {
                out.append("  ").append(staged.get().osname()).append(" (staged) ").append(staged.get().dirName()).append('\n');
            }
            for (Deployment d : s.deployments()) {
                boolean booted = s.booted().map(d::sameDeployment).orElse(false);
                String refspec = d.origin() == null ? "" : d.origin().get("origin", "refspec").orElse("");
                out.append(booted ? "● " : "  ").append(d.osname()).append(':').append(refspec).append('\n');
                Commit c = repo.readCommit(d.commit());
                c.metadata().getString("version").ifPresent(v -> out.append("                  Version: ").append(v)
                        .append(" (").append(ISO.format(Instant.ofEpochSecond(c.timestamp()))).append(")\n"));
                out.append("                   Commit: ").append(d.commit()).append('\n');
                if (d.pinned()) {
                    out.append("                   Pinned: yes\n");
                }
                out.append('\n');
            }
            System.out.print(out);
            return 0;
        }

        private static java.util.Map<String, Object> deploymentJson(Sysroot s, Repository repo, Deployment d) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("osname", d.osname());
            m.put("checksum", d.commit().hex());
            m.put("serial", d.deploySerial());
            m.put("booted", s.booted().map(d::sameDeployment).orElse(false));
            m.put("pinned", d.pinned());
            m.put("origin", d.origin() == null ? null : d.origin().get("origin", "refspec").orElse(null));
            try {
                Commit c = repo.readCommit(d.commit());
                m.put("version", c.metadata().getString("version").orElse(null));
                m.put("timestamp", c.timestamp());
            } catch (Exception e) {
                m.put("version", null);
            }
            return m;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Revert to the previously booted tree.")
    static final class Rollback extends SysrootOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Deployment now;
            try (Deployer d = lock()) {
                now = d.rollback();
            }
            System.out.println("Moving '" + now.dirName() + "' to be first deployment");
            System.out.println("Run \"systemctl reboot\" to start a reboot");
            return 0;
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true, description = "Clear cached/pending data.")
    static final class Cleanup extends SysrootOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            try (Deployer d = lock()) {
                d.cleanup();
            }
            return 0;
        }
    }
}
