package org.aptostree.fuzz.ostree;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.container.ImageImporter;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.GVariantType;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.DirTree;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.KeyFile;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.Summary;
import org.aptostree.ostree.sysroot.BootEntry;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the OSTree parsers: on any input they either parse or throw {@link OstreeFormatException}
 * (or, from a stream, which can throw no other checked exception, an {@link IOException} caused by one); anything
 * else is a bug. Without JAZZER_FUZZ they replay the corpus.
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

    /**
     * A {@code .filez} object: its header read, its content inflated. Refused with OstreeFormatException, or for the
     * content, a stream, with an IOException caused by one; the input is in memory, so no other IOException.
     */
    @FuzzTest(maxDuration = "20s")
    void filezReader(byte[] bytes) {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            FileHeader.Archived a = FileHeader.readArchiveHeader(in);
            if (!a.header().isSymlink()) {
                try (InputStream content = FileHeader.inflateArchiveContent(in)) {
                    content.readNBytes((int) Math.min(a.size(), 1 << 20));
                }
            }
        } catch (OstreeFormatException expected) {
            // rejected
        } catch (IOException e) {
            if (!(e.getCause() instanceof OstreeFormatException)) {
                throw new AssertionError("an in-memory object failed with an I/O error that is not a format error", e);
            }
        }
    }

    /**
     * A repository config or deployment origin file: parsed, or refused naming the file and line; what is parsed
     * is written back ({@code format()}, as origin files are written) and reads back the same.
     */
    @FuzzTest(maxDuration = "20s")
    // libFuzzer's dictionary file takes no raw newlines, quotes or backslashes; the fuzzer finds those by itself.
    @DictionaryEntries({"[", "]", "=", "#", "[origin]", "refspec=", "[core]", "mode=", "[remote ", "[libostree-transient]"})
    void keyFile(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        KeyFile parsed;
        try {
            parsed = KeyFile.parse(text, "fuzz.origin");
        } catch (OstreeFormatException expected) {
            if (!expected.getMessage().startsWith("fuzz.origin:")) {
                throw new AssertionError("error does not name the file and line: " + expected.getMessage());
            }
            return;
        }
        KeyFile again;
        try {
            again = KeyFile.parse(parsed.format(), "written");
        } catch (OstreeFormatException e) {
            throw new AssertionError("what KeyFile writes it cannot read: " + e.getMessage(), e);
        }
        if (!parsed.groups().equals(again.groups())) {
            throw new AssertionError("groups changed in a rewrite: " + parsed.groups() + " " + again.groups());
        }
        for (String g : parsed.groups()) {
            if (!parsed.group(g).equals(again.group(g))) {
                throw new AssertionError("group [" + g + "] changed in a rewrite: " + parsed.group(g) + " " + again.group(g));
            }
        }
    }

    /** A BLS boot entry: parsed, or refused naming file and line; what is parsed is written back and reads back the same. */
    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"title ", "version ", "options ", "linux ", "initrd ", "devicetree ", "ostree=", "#"})
    void bootEntry(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        BootEntry parsed;
        try {
            parsed = BootEntry.parse(text, "fuzz.conf");
        } catch (OstreeFormatException expected) {
            if (!expected.getMessage().startsWith("fuzz.conf:")) {
                throw new AssertionError("error does not name the file and line: " + expected.getMessage());
            }
            return;
        }
        try {
            BootEntry again = BootEntry.parse(parsed.format(), "written");
            if (!again.fields().equals(parsed.fields())) {
                throw new AssertionError("fields changed in a rewrite: " + parsed.fields() + " " + again.fields());
            }
        } catch (OstreeFormatException e) {
            throw new AssertionError("what BootEntry writes it cannot read: " + e.getMessage(), e);
        }
    }

    /** A summary file, as a pull fetches it: parsed or refused; what is parsed is in normal form and encodes back the same. */
    @FuzzTest(maxDuration = "20s")
    void summary(byte[] bytes) {
        try {
            Summary s = Summary.decode(bytes);
            if (!java.util.Arrays.equals(bytes, s.encode())) {
                throw new AssertionError("a summary that does not encode back to its bytes was accepted");
            }
            for (Summary.Ref r : s.refs()) {
                r.timestamp();
            }
        } catch (OstreeFormatException expected) {
            // rejected
        }
    }

    private static Repository tarRepository;

    /** One archive repository for all runs of {@link #tarCommit}; objects that repeat are simply there already. */
    private static synchronized Repository tarRepository() throws IOException, OstreeFormatException {
        if (tarRepository == null) {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fuzz-tar-repo");
            dir.toFile().deleteOnExit();
            tarRepository = Repository.init(dir.resolve("repo"), RepoMode.ARCHIVE);
        }
        return tarRepository;
    }

    /**
     * A tar stream committed as {@code ostree commit --tree=tar=} takes it (pax headers, xattrs read as libarchive
     * reads them): committed, or refused with OstreeFormatException; an IOException (the repository is on a local disk)
     * is a bug.
     */
    @FuzzTest(maxDuration = "20s")
    void tarCommit(byte[] bytes) throws IOException {
        try {
            new CommitBuilder(tarRepository()).branch("fuzz").timestamp(0).commitTar(new ByteArrayInputStream(bytes));
        } catch (OstreeFormatException expected) {
            // rejected
        }
    }

    /**
     * A container image's layer as ostree-ext writes it (its own tar reader: v7, ustar, GNU and pax headers), read as
     * a chunk layer's object set: imported, or refused with OstreeFormatException.
     */
    @FuzzTest(maxDuration = "20s")
    void containerLayer(byte[] bytes) throws IOException {
        try {
            ImageImporter.importLayerTar(tarRepository(), new ByteArrayInputStream(bytes), false, "fuzz layer");
        } catch (OstreeFormatException expected) {
            // rejected
        }
    }
}
