package org.aptostree.solver;

import java.util.Set;

import org.aptostree.deb.index.MultiArch;
import org.aptostree.deb.version.Version;

/**
 * The package versions of one source (a Packages index, a list given by a caller), numbered by row, with the
 * lookups a {@link Universe} needs. A table answers by name without making every {@link PackageVersion}: the
 * binary package cache ({@code cache.PackageCache}) makes only the rows a solver run looks at.
 *
 * <p>Contract: rows are in the source's order, and no two rows have the same name, architecture and version
 * (equal as written); the first of such duplicates in the source is the one kept. A table that makes its package
 * versions when asked is, like the universe, for one thread at a time.
 */
public interface PackageTable {

    int size();

    /** The package version of a row; the same object each time. */
    PackageVersion get(int row);

    /** {@code get(row).name()}, without making the package version. */
    String name(int row);

    /** {@code get(row).architecture()}, without making the package version. */
    String architecture(int row);

    /** {@code get(row).version()}, without making the package version. */
    Version version(int row);

    /** {@code get(row).multiArch()}, without making the package version. */
    MultiArch multiArch(int row);

    /** The rows of the packages named {@code name}, ascending; empty when none. Callers must not change it. */
    int[] rowsNamed(String name);

    /** The rows of the packages whose Provides name {@code name}, ascending, each once. Callers must not change it. */
    int[] rowsProviding(String name);

    /** Every architecture of the table's rows. */
    Set<String> architectures();
}
