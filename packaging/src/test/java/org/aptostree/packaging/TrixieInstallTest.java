package org.aptostree.packaging;

/** The package in a clean Debian 13 (trixie) root. */
class TrixieInstallTest extends InstalledPackageTest {
    @Override
    String suite() {
        return "trixie";
    }
}
