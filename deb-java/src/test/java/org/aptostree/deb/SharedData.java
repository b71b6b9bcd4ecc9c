package org.aptostree.deb;

import java.nio.file.Path;

import org.aptostree.testkit.DebianData;

/**
 * The old name of {@link DebianData}, kept only for ReleaseVerifierTest while the OpenPGP work changes that file;
 * to be replaced there by {@link DebianData} and removed.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path mirror() {
        return DebianData.mirror();
    }

    public static Path keyring() {
        return DebianData.keyring();
    }
}
