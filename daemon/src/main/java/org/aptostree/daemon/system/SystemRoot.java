package org.aptostree.daemon.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.daemon.transaction.TransactionException.Kind;
import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;

/**
 * The system apt-ostree manages (rpm-ostree's "sysroot"): the running host ({@code /}, booted from a deployment) or
 * a directory sysroot given with {@code --sysroot}, where nothing is booted and the default deployment stands in for
 * the booted one. It knows the stateroot worked on and where that stateroot's {@code /var} keeps apt-ostree's state
 * ({@code /var/lib/apt-ostree}) and cache ({@code /var/cache/apt-ostree}): the same directories a booted host sees.
 */
public final class SystemRoot {
    private final Path path;
    private final boolean booted;
    private final Optional<String> osOption;

    private SystemRoot(Path path, boolean booted, Optional<String> osOption) {
        this.path = path;
        this.booted = booted;
        this.osOption = osOption;
    }

    /**
     * The system at {@code sysroot} ({@code /} for the host), working on stateroot {@code os} (empty: the booted
     * one, else the default deployment's).
     *
     * @throws TransactionException of kind {@code NotOstreeSystem}, with the design note's text, when it is not one
     */
    public static SystemRoot open(Path sysroot, Optional<String> os) throws TransactionException {
        OstreeEnvironment env = OstreeEnvironment.detect(sysroot);
        if (!env.usable()) {
            throw new TransactionException(Kind.NOT_OSTREE_SYSTEM, env.errorText());
        }
        return new SystemRoot(sysroot, env.booted(), os);
    }

    public Path path() {
        return path;
    }

    /** Whether this is a running host booted from one of its deployments (new deployments are then staged). */
    public boolean isBooted() {
        return booted;
    }

    /** The deployments as they are now on disk. */
    public Sysroot load() throws TransactionException {
        try {
            return Sysroot.load(path);
        } catch (IOException | OstreeFormatException e) {
            throw new TransactionException(Kind.FAILED, "cannot read the sysroot " + path + ": " + e.getMessage(), e);
        }
    }

    /** The stateroot worked on: {@code --os}, else the booted deployment's, else the default one's. */
    public String osname(Sysroot sysroot) throws TransactionException {
        if (osOption.isPresent()) {
            try {
                if (!sysroot.stateroots().contains(osOption.get())) {
                    throw new TransactionException(Kind.INVALID_ARGUMENT, "No stateroot named '" + osOption.get() + "' in " + path
                            + " (there are: " + String.join(", ", sysroot.stateroots()) + ")");
                }
            } catch (IOException e) {
                throw new TransactionException(Kind.FAILED, "cannot list the stateroots of " + path + ": " + e.getMessage(), e);
            }
            return osOption.get();
        }
        if (sysroot.booted().isPresent()) {
            return sysroot.booted().get().osname();
        }
        List<Deployment> list = sysroot.deployments();
        if (list.isEmpty()) {
            throw new TransactionException(Kind.NOT_OSTREE_SYSTEM, "No deployments in " + path + ": deploy a commit first"
                    + " ('apt-ostree ostree admin deploy').");
        }
        return list.get(0).osname();
    }

    /**
     * The deployment a new one starts from (its origin, its /etc, its APT sources): the booted one, or on a
     * directory sysroot the default one, of the stateroot.
     */
    public Deployment mergeDeployment(Sysroot sysroot) throws TransactionException {
        String os = osname(sysroot);
        return sysroot.mergeDeployment(os).orElseThrow(() -> new TransactionException(Kind.NOT_OSTREE_SYSTEM,
                "No deployment of stateroot '" + os + "' in " + path + " to start from"));
    }

    /** The stateroot's {@code /var}, which a booted host mounts at {@code /var}. */
    public Path varDirectory(String osname) {
        return path.resolve("ostree/deploy").resolve(osname).resolve("var");
    }

    /** {@code /var/lib/apt-ostree} of the stateroot. */
    public Path stateDirectory(String osname) {
        return varDirectory(osname).resolve("lib/apt-ostree");
    }

    /** {@code /var/cache/apt-ostree} of the stateroot: packages and indexes, by SHA-256. */
    public Path cacheDirectory(String osname) {
        return varDirectory(osname).resolve("cache/apt-ostree");
    }

    /** Where transactions on this system take turns. */
    public Path transactionLockFile(String osname) {
        return stateDirectory(osname).resolve("transaction.lock");
    }
}
