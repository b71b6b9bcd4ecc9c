package org.aptostree.daemon.system;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aptostree.daemon.compose.PackageLayering;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.StagedDeployment;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * Refs that keep the base commits of layered deployments ({@code aptostree/base/N}), as rpm-ostree keeps its
 * {@code rpmostree/base/N}: a deployment keeps only its own commit from a prune, and a layered one needs its base to
 * be shown, diffed and layered again (uninstall, upgrade with nothing new).
 */
public final class BaseRefs {
    static final String PREFIX = "aptostree/base/";

    private BaseRefs() {
    }

    /** The base commits of the layered deployments (the staged one too), plus {@code extra}. */
    public static Set<ObjectId> inUse(Repository repo, Sysroot sysroot, List<ObjectId> extra) throws IOException, OstreeFormatException {
        Set<ObjectId> bases = new LinkedHashSet<>(extra);
        List<ObjectId> commits = new ArrayList<>();
        for (Deployment d : sysroot.deployments()) {
            commits.add(d.commit());
        }
        sysroot.staged().map(StagedDeployment::commit).ifPresent(commits::add);
        for (ObjectId c : commits) {
            if (!repo.has(c, ObjectType.COMMIT)) {
                continue;
            }
            PackageLayering.baseOf(repo.readCommit(c)).ifPresent(bases::add);
        }
        return bases;
    }

    /** Points {@code aptostree/base/0..} at exactly {@code bases}. */
    public static void keep(Repository repo, Set<ObjectId> bases) throws IOException {
        int i = 0;
        for (ObjectId base : bases) {
            repo.refs().set(PREFIX + i++, base);
        }
        for (Map.Entry<String, ObjectId> ref : repo.refs().listLocal().entrySet()) {
            if (ref.getKey().startsWith(PREFIX) && Integer.parseInt(ref.getKey().substring(PREFIX.length())) >= i) {
                repo.refs().delete(ref.getKey());
            }
        }
    }
}
