package org.aptostree.daemon.system;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.aptostree.daemon.compose.AptSources;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.daemon.transaction.TransactionException.Kind;
import org.aptostree.deb.control.Deb822Writer;
import org.aptostree.deb.dpkg.DpkgDatabase;
import org.aptostree.deb.dpkg.InstalledState;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * The read-only questions about packages: what a commit has ({@code db list}), what changed between two
 * ({@code db diff}), and what the deployment's APT sources offer ({@code search}, {@code info}, from the verified
 * indexes in the cache). None takes the transaction lock.
 */
public final class PackageQueries {
    private final SystemRoot system;

    public PackageQueries(SystemRoot system) {
        this.system = system;
    }

    /** {@code name version arch} of each package of {@code revision} (default: the booted or default deployment) matching a pattern. */
    public List<String> list(Optional<String> revision, List<String> patterns) throws TransactionException {
        Sysroot sysroot = system.load();
        Repository repo = repo(sysroot);
        ObjectId commit = revision.isPresent() ? resolve(repo, revision.get()) : system.mergeDeployment(sysroot).commit();
        List<String> out = new ArrayList<>();
        for (CommitPackages.Entry e : packages(repo, commit).packages()) {
            if (patterns.isEmpty() || patterns.stream().anyMatch(p -> glob(p, e.name()))) {
                out.add(e.toString());
            }
        }
        return out;
    }

    /**
     * {@code db diff}: FROM and TO given, or by default the booted (or default) deployment against the pending one,
     * or when nothing is pending the rollback deployment against the booted one.
     */
    public PackageDiff diff(Optional<String> from, Optional<String> to) throws TransactionException {
        Sysroot sysroot = system.load();
        Repository repo = repo(sysroot);
        ObjectId a;
        ObjectId b;
        if (from.isPresent()) {
            a = resolve(repo, from.get());
            b = to.isPresent() ? resolve(repo, to.get()) : system.mergeDeployment(sysroot).commit();
        } else {
            List<Deployment> list = sysroot.deployments();
            Deployment booted = system.mergeDeployment(sysroot);
            int index = list.indexOf(booted);
            Optional<ObjectId> staged;
            try {
                staged = sysroot.staged().map(s -> s.commit());
            } catch (IOException | OstreeFormatException e) {
                throw new TransactionException(Kind.FAILED, e.getMessage(), e);
            }
            if (staged.isPresent()) {
                a = booted.commit();
                b = staged.get();
            } else if (index > 0) {
                a = booted.commit();
                b = list.get(0).commit();
            } else if (list.size() > index + 1) {
                a = list.get(index + 1).commit();
                b = booted.commit();
            } else {
                throw new TransactionException(Kind.INVALID_ARGUMENT, "No pending or rollback deployment to compare with");
            }
        }
        return PackageDiff.between(a.hex(), packages(repo, a), b.hex(), packages(repo, b));
    }

    /** {@code name - summary} of the packages whose name or description has every word of {@code query}. */
    public List<String> search(List<String> query, boolean refresh) throws TransactionException {
        List<String> words = query.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (PackageRecord r : available(refresh)) {
            String description = Optional.ofNullable(r.field("Description")).orElse("");
            String text = (r.name() + " " + description).toLowerCase(Locale.ROOT);
            if (words.stream().allMatch(text::contains) && seen.add(r.name())) {
                out.add(r.name() + " - " + description.lines().findFirst().orElse(""));
            }
        }
        out.sort(null);
        return out;
    }

    /** The index stanzas of every version of {@code name} the sources offer, and whether the deployment has it. */
    public String info(String name, boolean refresh) throws TransactionException {
        PackageRequest.parse(name);
        StringBuilder out = new StringBuilder();
        for (PackageRecord r : available(refresh)) {
            if (r.name().equals(name)) {
                out.append(Deb822Writer.toText(List.of(r.paragraph()))).append("\n\n");
            }
        }
        Deployment merge = system.mergeDeployment(system.load());
        Optional<String> installed = installed(merge).stream().filter(p -> p.record().name().equals(name))
                .map(p -> p.record().version().toString()).findFirst();
        if (out.length() == 0 && installed.isEmpty()) {
            throw new TransactionException(Kind.PACKAGE_NOT_FOUND, "Packages not found: " + name);
        }
        out.append("Installed: ").append(installed.orElse("no")).append('\n');
        return out.toString();
    }

    private List<PackageRecord> available(boolean refresh) throws TransactionException {
        Sysroot sysroot = system.load();
        Deployment merge = system.mergeDeployment(sysroot);
        Path root = merge.dir(system.path());
        try {
            return new AptSources(root, system.cacheDirectory(merge.osname()), !refresh).packages(architecture(merge));
        } catch (IOException e) {
            throw new TransactionException(refresh ? Kind.NETWORK : Kind.FAILED, e.getMessage()
                    + (refresh ? "" : " (run 'apt-ostree refresh-md' to fetch the package indexes)"), e);
        }
    }

    /** The architecture of a deployment: its dpkg's. */
    public String architecture(Deployment d) throws TransactionException {
        for (InstalledState.InstalledPackage p : installed(d)) {
            if (p.record().name().equals("dpkg")) {
                return p.record().architecture();
            }
        }
        throw new TransactionException(Kind.FAILED, "the deployment " + d.dirName() + " has no dpkg package");
    }

    private List<InstalledState.InstalledPackage> installed(Deployment d) throws TransactionException {
        Path status = d.dir(system.path()).resolve(DpkgDatabase.SYSIMAGE_DIR).resolve("status");
        try (InputStream in = Files.newInputStream(status)) {
            return InstalledState.read(in, null, "");
        } catch (IOException e) {
            throw new TransactionException(Kind.FAILED, "cannot read the dpkg database of " + d.dirName() + ": " + e.getMessage(), e);
        }
    }

    private static CommitPackages packages(Repository repo, ObjectId commit) throws TransactionException {
        try {
            return CommitPackages.of(repo.readCommit(commit));
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "cannot read commit " + commit + ": " + e.getMessage(), e);
        }
    }

    private static ObjectId resolve(Repository repo, String rev) throws TransactionException {
        try {
            return repo.resolveRev(rev);
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, "No such revision '" + rev + "': " + e.getMessage(), e);
        }
    }

    private static Repository repo(Sysroot sysroot) throws TransactionException {
        try {
            return sysroot.repo();
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, e.getMessage(), e);
        }
    }

    /** Shell-style {@code *} and {@code ?} over the package name. */
    private static boolean glob(String pattern, String name) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return name.matches(re.toString());
    }
}
