package org.aptostree.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class InstallabilityTest {

    @Test
    void findsBrokenPackagesWithReasons() {
        Universe u = Stanzas.universe("""
                Package: ok
                Version: 1
                Architecture: amd64
                Depends: lib | other

                Package: lib
                Version: 1
                Architecture: amd64

                Package: missing-dep
                Version: 1
                Architecture: amd64
                Depends: nothing-provides-this

                Package: self-conflict
                Version: 1
                Architecture: amd64
                Depends: lib
                Conflicts: lib

                Package: via-broken
                Version: 1
                Architecture: amd64
                Depends: missing-dep | self-conflict
                """, "");
        Installability.Report report = new Installability(u).check();
        assertEquals(5, report.checked());
        assertEquals(List.of("missing-dep 1 amd64", "self-conflict 1 amd64", "via-broken 1 amd64"),
                report.uninstallable().stream().map(x -> x.packageVersion().toString()).toList());
        assertEquals(List.of("missing-dep 1 depends on nothing-provides-this, which no available package satisfies"),
                report.uninstallable().get(0).reasons());
    }
}
