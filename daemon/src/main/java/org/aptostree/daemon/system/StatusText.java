package org.aptostree.daemon.system;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code status} for people, in rpm-ostree's layout: the state, then each deployment with {@code ●} on the booted
 * one and its fields right-aligned on the colon.
 */
public final class StatusText {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

    private StatusText() {
    }

    public static String render(SystemStatus status, boolean verbose) {
        StringBuilder out = new StringBuilder();
        out.append("State: ").append(status.transaction().isPresent() ? "busy" : "idle").append('\n');
        status.transaction().ifPresent(t -> out.append("Transaction: ").append(t.title()).append('\n'));
        automaticUpdates(out, status.automaticUpdates());
        out.append("Deployments:\n");
        for (DeploymentStatus d : status.deployments()) {
            out.append(d.booted() ? "● " : "  ").append(d.osname()).append(':')
                    .append(d.origin().map(Origin::describeBase).orElse("<no origin>"));
            if (d.staged()) {
                out.append(" (staged)");
            }
            out.append('\n');
            d.imageDigest().ifPresent(digest -> field(out, "Digest", digest));
            d.version().ifPresent(v -> field(out, "Version", v + " (" + ISO.format(Instant.ofEpochSecond(d.timestamp())) + ")"));
            if (d.baseChecksum().isPresent()) {
                field(out, "BaseCommit", d.baseChecksum().get());
            }
            field(out, "Commit", d.checksum());
            if (d.staged()) {
                field(out, "Staged", "yes");
            }
            list(out, "LayeredPackages", d.packages());
            list(out, "LocalPackages", d.localPackages());
            list(out, "RemovedBasePackages", d.baseRemovals());
            list(out, "ReplacedBasePackages", d.baseLocalReplacements());
            list(out, "InactiveRequests", d.inactiveRequests());
            if (d.pinned()) {
                field(out, "Pinned", "yes");
            }
            if (verbose) {
                field(out, "Kernel arguments", d.kernelArguments());
                field(out, "Deployment", d.id());
            }
            out.append('\n');
        }
        status.availableUpdate().ifPresent(run -> {
            run.availableUpdate().forEach(l -> out.append(l).append('\n'));
            out.append('\n');
        });
        return out.toString();
    }

    /** rpm-ostree's line: the policy, then the timer's last run (ours is kept across boots, in /var). */
    private static void automaticUpdates(StringBuilder out, AutomaticUpdates updates) {
        out.append("AutomaticUpdates: ").append(updates.policy().equals("none") ? "disabled" : updates.policy());
        if (!updates.policy().equals("none")) {
            out.append("; apt-ostreed-automatic.timer: ");
            updates.lastRun().ifPresentOrElse(run -> out.append("last run ").append(ISO.format(run.time()))
                    .append(run.success() ? ": " : " failed: ").append(run.message()), () -> out.append("no runs yet"));
        }
        updates.problem().ifPresent(p -> out.append(" (").append(p).append(')'));
        out.append('\n');
    }

    private static void list(StringBuilder out, String name, List<String> values) {
        if (!values.isEmpty()) {
            field(out, name, String.join(" ", values));
        }
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(" ".repeat(Math.max(0, 25 - name.length()))).append(name).append(": ").append(value).append('\n');
    }
}
