package org.aptostree.deb.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.aptostree.deb.compression.Compression;
import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tar variants not found in the pool — GNU long names and link targets, pax (POSIX) long names,
 * ustar prefixes, devices, FIFOs, set-uid/sticky modes, owners by name or by number only, wide
 * owner columns — list exactly as dpkg-deb -c lists them.
 */
class SyntheticListingTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.LONGFILE_POSIX})
    void listsAsDpkgDeb(int longFileMode) throws Exception {
        Requirements.tool("dpkg-deb");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(longFileMode);
            tar.setBigNumberMode(longFileMode == TarArchiveOutputStream.LONGFILE_GNU
                    ? TarArchiveOutputStream.BIGNUMBER_STAR : TarArchiveOutputStream.BIGNUMBER_POSIX);
            String deep = "./usr/share/" + "d".repeat(60) + "/" + "e".repeat(60) + "/";
            put(tar, dir("./"));
            put(tar, dir("./usr/"));
            put(tar, dir("./usr/share/"));
            put(tar, dir("./usr/share/" + "d".repeat(60) + "/"));
            put(tar, dir(deep));
            TarArchiveEntry f = file(deep + "f".repeat(120), "hello\n");
            put(tar, f, "hello\n");
            TarArchiveEntry l = new TarArchiveEntry(deep + "link-" + "g".repeat(100), TarArchiveEntry.LF_SYMLINK);
            l.setLinkName("../" + "t".repeat(150));
            l.setMode(0120777);
            put(tar, l);
            TarArchiveEntry h = new TarArchiveEntry("./usr/hard", TarArchiveEntry.LF_LINK);
            h.setLinkName(deep + "f".repeat(120));
            h.setMode(0100644);
            put(tar, h);
            TarArchiveEntry suid = file("./usr/suid", "x");
            suid.setMode(0104755);
            suid.setUserName("someverylongusername");
            suid.setGroupName("averylonggroupname");
            put(tar, suid, "x");
            TarArchiveEntry sticky = dir("./tmp/");
            sticky.setMode(041777);
            put(tar, sticky);
            TarArchiveEntry sgid = file("./usr/sgid-noexec", "y");
            sgid.setMode(0102644);
            sgid.setUserName("");
            sgid.setGroupName("");
            sgid.setUserId(1234);
            sgid.setGroupId(42);
            put(tar, sgid, "y");
            TarArchiveEntry dev = new TarArchiveEntry("./dev-null", TarArchiveEntry.LF_CHR);
            dev.setMode(020666);
            dev.setDevMajor(1);
            dev.setDevMinor(3);
            put(tar, dev);
            TarArchiveEntry fifo = new TarArchiveEntry("./fifo", TarArchiveEntry.LF_FIFO);
            fifo.setMode(010644);
            put(tar, fifo);
            put(tar, file("./usr/big-name-" + "z".repeat(200), "z"), "z");
        }
        byte[] deb = TestDebs.deb(TestDebs.minimalControlTar(), Compression.GZIP, bytes.toByteArray(), Compression.ZSTD);
        Path file = tmp.resolve("synthetic.deb");
        Files.write(file, deb);
        assertEquals(RealDebTest.run("dpkg-deb", "-c", file.toString()), RealDebTest.ourContents(file));
    }

    private static TarArchiveEntry dir(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_DIR);
        e.setMode(040755);
        return e;
    }

    private static TarArchiveEntry file(String name, String content) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100644);
        e.setSize(content.getBytes(StandardCharsets.UTF_8).length);
        return e;
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry e) throws Exception {
        put(tar, e, null);
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry e, String content) throws Exception {
        e.setModTime(1_700_000_000_000L);
        if (e.getUserName().isEmpty() && e.getLongUserId() == 0 && !e.getName().contains("sgid")) {
            e.setUserName("root");
            e.setGroupName("root");
        }
        tar.putArchiveEntry(e);
        if (content != null) {
            tar.write(content.getBytes(StandardCharsets.UTF_8));
        }
        tar.closeArchiveEntry();
    }
}
