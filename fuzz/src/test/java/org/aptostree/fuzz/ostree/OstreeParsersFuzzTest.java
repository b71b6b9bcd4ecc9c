package org.aptostree.fuzz.ostree;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.GVariantType;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileHeader;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the OSTree parsers: on any input they either parse or throw {@link OstreeFormatException}
 * (or, for streams, {@link IOException}); anything else is a bug. Without JAZZER_FUZZ they replay the corpus.
 */
class OstreeParsersFuzzTest {
    private static final String[] TYPES = {"(a{sv}aya(say)sstayay)", "(a(say)a(sayay))", "(uuua(ayay))",
        "(tuuuusa(ayay))", "a{sv}", "v", "as", "(a(s(taya{sv}))a{sv})", "mv", "(yqnxtdbhog)", "aay"};

    @FuzzTest(maxDuration = "20s")
    void gvariantReader(FuzzedDataProvider data) {
        GVariantType type = GVariantType.of(TYPES[data.consumeInt(0, TYPES.length - 1)]);
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            Object value = GVariantCodec.decode(type, bytes);
            // What we accept is normal form, so writing it back gives the same bytes.
            if (!java.util.Arrays.equals(bytes, GVariantCodec.encode(type, value))) {
                throw new AssertionError("accepted a value that does not round-trip");
            }
        } catch (OstreeFormatException expected) {
            // rejected as libostree would
        }
    }

    @FuzzTest(maxDuration = "20s")
    void objectParsers(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 3);
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            switch (which) {
                case 0 -> Commit.decode(bytes);
                case 1 -> DirTree.decode(bytes);
                case 2 -> DirMeta.decode(bytes);
                default -> VariantDict.decode(bytes);
            }
        } catch (OstreeFormatException expected) {
            // rejected
        }
    }

    @FuzzTest(maxDuration = "20s")
    void filezReader(byte[] bytes) {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            FileHeader.Archived a = FileHeader.readArchiveHeader(in);
            if (!a.header().isSymlink()) {
                InputStream content = new InflaterInputStream(in, new Inflater(true));
                content.readNBytes((int) Math.min(a.size(), 1 << 20));
            }
        } catch (OstreeFormatException | IOException expected) {
            // rejected
        }
    }
}
