package org.aptostree.fuzz.deb;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.archive.ArMember;
import org.aptostree.deb.archive.ArReader;
import org.aptostree.deb.archive.ContentsListing;
import org.aptostree.deb.archive.CpioEntry;
import org.aptostree.deb.archive.CpioReader;
import org.aptostree.deb.archive.DebReader;
import org.aptostree.deb.archive.TarEntry;
import org.aptostree.deb.archive.TarReader;
import org.aptostree.deb.compression.Compression;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Deb822Writer;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.control.RelationField;
import org.aptostree.deb.index.PackageIndex;
import org.aptostree.deb.sources.SourcesList;
import org.aptostree.deb.verify.ClearSigned;
import org.aptostree.deb.verify.Release;
import org.aptostree.deb.version.Version;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for deb-java's parsers: on any input each either succeeds or throws
 * {@link DebFormatException}; anything else (another exception, a broken round trip) is a bug.
 * Under plain {@code mvn test} (no JAZZER_FUZZ) they replay the stored inputs only.
 */
class DebParsersFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void version(FuzzedDataProvider data) {
        String a = data.consumeString(40);
        String b = data.consumeRemainingAsString();
        Version va;
        Version vb;
        try {
            va = Version.parse(a);
            vb = Version.parse(b);
        } catch (DebFormatException expected) {
            return;
        }
        try {
            // What we print reads back as an equal version.
            if (Version.parse(va.toString()).compareTo(va) != 0) {
                throw new AssertionError("round trip changed " + a);
            }
        } catch (DebFormatException e) {
            throw new AssertionError("cannot re-read " + va, e);
        }
        if (Integer.signum(va.compareTo(vb)) != -Integer.signum(vb.compareTo(va))) {
            throw new AssertionError("comparison not antisymmetric: " + a + " / " + b);
        }
        va.syntaxWarning();
    }

    @FuzzTest(maxDuration = "20s")
    void relations(FuzzedDataProvider data) {
        RelationField field = RelationField.values()[data.consumeInt(0, RelationField.values().length - 1)];
        String value = data.consumeRemainingAsString();
        try {
            List<Dependency> deps = field.parse(value);
            // The canonical form reads back to the same relations.
            List<Dependency> again = field.parse(Dependency.format(deps));
            if (!again.equals(deps)) {
                throw new AssertionError("canonical form changes the relations: " + value);
            }
        } catch (DebFormatException expected) {
            // rejected as dpkg would
        }
    }

    @FuzzTest(maxDuration = "20s")
    void deb822(FuzzedDataProvider data) {
        boolean comments = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        try (Deb822Reader r = new Deb822Reader(new ByteArrayInputStream(bytes),
                comments ? Deb822Reader.Syntax.WITH_COMMENTS : Deb822Reader.Syntax.STRICT)) {
            List<Paragraph> ps = r.readAll();
            String text = Deb822Writer.toText(ps);
            if (!Deb822Reader.parseAll(text).equals(ps)) {
                throw new AssertionError("written stanzas read back differently");
            }
        } catch (DebFormatException expected) {
            // rejected
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void packagesIndex(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            PackageIndex.read(new ByteArrayInputStream(bytes), Compression.NONE, r -> r.sourceVersion());
        } catch (DebFormatException expected) {
            // rejected
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void arReader(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            ArReader ar = new ArReader(new ByteArrayInputStream(bytes));
            for (ArMember m = ar.next(); m != null; m = ar.next()) {
                ar.content().readAllBytes();
            }
        } catch (DebFormatException expected) {
            // rejected
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
    }

    /** An initramfs: cpio archives, NUL padding, a compressed part; every other entry's data is skipped unread. */
    @FuzzTest(maxDuration = "20s")
    void cpioReader(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            CpioReader cpio = new CpioReader(new ByteArrayInputStream(bytes));
            int n = 0;
            for (CpioEntry e = cpio.next(); e != null; e = cpio.next()) {
                if (n++ % 2 == 0 && cpio.content().readAllBytes().length != e.size()) {
                    throw new AssertionError("entry " + e.name() + " has not its size of data");
                }
            }
        } catch (DebFormatException expected) {
            // rejected
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void tarReader(FuzzedDataProvider data) {
        Compression c = Compression.values()[data.consumeInt(0, Compression.values().length - 1)];
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            TarReader tar = new TarReader(c.decompress(new ByteArrayInputStream(bytes)));
            ContentsListing listing = new ContentsListing(java.time.ZoneOffset.UTC);
            for (TarEntry e = tar.next(); e != null; e = tar.next()) {
                listing.line(e);
                tar.content().readAllBytes();
            }
        } catch (DebFormatException expected) {
            // rejected
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void debReader(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        try (DebReader deb = DebReader.open(new ByteArrayInputStream(bytes))) {
            deb.control().control();
            TarReader tar = deb.data();
            for (TarEntry e = tar.next(); e != null; e = tar.next()) {
                tar.content().readAllBytes();
            }
            deb.finish();
        } catch (DebFormatException expected) {
            // rejected
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void clearsignAndRelease(FuzzedDataProvider data) {
        boolean clearsigned = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            if (clearsigned) {
                ClearSigned.parse(bytes);
            } else {
                Release.parse(new String(bytes, StandardCharsets.UTF_8));
            }
        } catch (DebFormatException expected) {
            // rejected
        }
    }

    @FuzzTest(maxDuration = "20s")
    void sources(FuzzedDataProvider data) {
        boolean deb822 = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        try {
            if (deb822) {
                SourcesList.parseSources(text);
            } else {
                SourcesList.parseList(text);
            }
        } catch (DebFormatException expected) {
            // rejected
        }
    }
}
