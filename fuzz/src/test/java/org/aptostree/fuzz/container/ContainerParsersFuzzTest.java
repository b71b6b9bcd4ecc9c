package org.aptostree.fuzz.container;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.container.ImageImporter;
import org.aptostree.ostree.container.OstreeImageReference;
import org.aptostree.ostree.oci.ImageConfig;
import org.aptostree.ostree.oci.ImageIndex;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the container image parsers: manifests, indexes and configurations (JSON), the layout of
 * an ostree image, image references, and the import of a layer's tar stream into a repository (an ostree layer, or a
 * derived layer with its paths filtered and its whiteouts applied). On any input they
 * parse or fail with {@link OstreeFormatException} (or {@link IllegalArgumentException} for references); anything
 * else, an {@link IOException} too (the repository is on a local disk), is a bug.
 */
class ContainerParsersFuzzTest {
    private static Repository repo;

    private static synchronized Repository repo() throws IOException, OstreeFormatException {
        if (repo == null) {
            Path dir = Files.createTempDirectory("fuzz-container-repo");
            repo = Repository.init(dir, RepoMode.ARCHIVE);
        }
        return repo;
    }

    @FuzzTest(maxDuration = "20s")
    void imageJson(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 3);
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            switch (which) {
                case 0 -> {
                    ImageManifest m = ImageManifest.parse(bytes);
                    if (!ImageManifest.parse(m.canonicalBytes()).equals(m)) {
                        throw new AssertionError("a manifest does not survive its canonical form");
                    }
                }
                case 1 -> ImageIndex.parse(bytes);
                case 2 -> {
                    ImageConfig c = ImageConfig.parse(bytes);
                    c.created();
                    c.architecture();
                }
                default -> ImageImporter.layout(ImageManifest.parse(bytes), ImageConfig.parse(bytes));
            }
        } catch (OstreeFormatException expected) {
            // rejected
        }
    }

    @FuzzTest(maxDuration = "20s")
    void imageReference(FuzzedDataProvider data) {
        String s = data.consumeRemainingAsString();
        try {
            OstreeImageReference.parse(s).toString();
        } catch (IllegalArgumentException expected) {
            // rejected
        }
    }

    @FuzzTest(maxDuration = "30s")
    void layerTarImport(FuzzedDataProvider data) throws IOException, OstreeFormatException {
        boolean commitLayer = data.consumeBoolean();
        byte[] tar = data.consumeRemainingAsBytes();
        try {
            ImageImporter.importLayerTar(repo(), new ByteArrayInputStream(tar), commitLayer, "fuzz");
        } catch (OstreeFormatException expected) {
            // rejected
        }
    }

    @FuzzTest(maxDuration = "30s")
    void derivedLayerTarImport(FuzzedDataProvider data) throws IOException, OstreeFormatException {
        byte[] tar = data.consumeRemainingAsBytes();
        try {
            ImageImporter.importDerivedLayerTar(repo(), new ByteArrayInputStream(tar), "fuzz");
        } catch (OstreeFormatException expected) {
            // rejected
        }
    }
}
