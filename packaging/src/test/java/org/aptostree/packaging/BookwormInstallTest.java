package org.aptostree.packaging;

/** The package in a clean Debian 12 (bookworm) root. */
class BookwormInstallTest extends InstalledPackageTest {
    @Override
    String suite() {
        return "bookworm";
    }
}
