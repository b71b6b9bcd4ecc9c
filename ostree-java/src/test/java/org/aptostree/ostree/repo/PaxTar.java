package org.aptostree.ostree.repo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.aptostree.fixtures.tree.FileTree;
import org.aptostree.ostree.object.Xattr;

/**
 * Writes a directory as a pax tar byte by byte, so a test controls what no tar tool lets it: every xattr of a
 * file as it is on disk (empty values too), xattrs on symlinks, their order in the header, and the form of each
 * record ({@code SCHILY.xattr.} with the raw value, or libarchive's own {@code LIBARCHIVE.xattr.} with a
 * URL-encoded name and a base64 value).
 */
public final class PaxTar {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private PaxTar() {
    }

    /**
     * The tree under {@code root}, the root first as {@code ./}, then each directory's entries in name order,
     * owned by {@code uid}/{@code gid}; {@code symlinkXattrs} gives the symlinks' xattrs by relative path.
     */
    public static void write(Path root, Map<String, List<FileTree.Xattr>> symlinkXattrs, int uid, int gid, Random random, OutputStream out)
            throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted().toList();
        }
        for (Path p : paths) {
            String rel = root.relativize(p).toString();
            int mode = (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
            List<Xattr> xattrs;
            char type;
            String link = "";
            byte[] data = new byte[0];
            if (Files.isSymbolicLink(p)) {
                type = '2';
                link = Files.readSymbolicLink(p).toString();
                xattrs = symlinkXattrs.getOrDefault(rel, List.of()).stream().map(x -> new Xattr(x.name(), x.value())).toList();
            } else if (Files.isDirectory(p, NOFOLLOW)) {
                type = '5';
                xattrs = diskXattrs(p);
            } else {
                type = '0';
                data = Files.readAllBytes(p);
                xattrs = diskXattrs(p);
            }
            String name = rel.isEmpty() ? "./" : "./" + rel + (type == '5' ? "/" : "");
            writeMember(out, name, type, mode, uid, gid, link, data, paxRecords(name, link, xattrs, random));
        }
        out.write(new byte[1024]);
    }

    /** Every user xattr of a file, empty values included, in the order the file system lists them. */
    private static List<Xattr> diskXattrs(Path p) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
        List<Xattr> xattrs = new ArrayList<>();
        for (String n : view.list()) {
            ByteBuffer buf = ByteBuffer.allocate(view.size(n));
            view.read(n, buf);
            xattrs.add(new Xattr("user." + n, buf.array()));
        }
        return xattrs;
    }

    private static byte[] paxRecords(String name, String link, List<Xattr> xattrs, Random random) {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        record(records, "path", name.getBytes(StandardCharsets.UTF_8));
        if (!link.isEmpty()) {
            record(records, "linkpath", link.getBytes(StandardCharsets.UTF_8));
        }
        List<Xattr> shuffled = new ArrayList<>(xattrs);
        Collections.shuffle(shuffled, random);
        for (Xattr x : shuffled) {
            if (random.nextInt(4) == 0) {
                String encoded = java.net.URLEncoder.encode(x.name(), StandardCharsets.UTF_8).replace("+", "%20");
                record(records, "LIBARCHIVE.xattr." + encoded, Base64.getEncoder().encode(x.value()));
            } else {
                record(records, "SCHILY.xattr." + x.name(), x.value());
            }
        }
        return records.toByteArray();
    }

    /** A pax record, {@code "LENGTH KEY=VALUE\n"}, where LENGTH counts the whole record, its own digits too. */
    private static void record(ByteArrayOutputStream out, String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int rest = 1 + k.length + 1 + value.length + 1;
        int length = rest + 1;
        while (String.valueOf(length).length() + rest != length) {
            length++;
        }
        out.writeBytes((length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(k);
        out.write('=');
        out.writeBytes(value);
        out.write('\n');
    }

    private static void writeMember(OutputStream out, String name, char type, int mode, int uid, int gid, String link,
            byte[] data, byte[] pax) throws IOException {
        out.write(header("./PaxHeaders/entry", 'x', 0644, 0, 0, "", pax.length));
        out.write(pax);
        out.write(new byte[padding(pax.length)]);
        // The pax records give the real name and link target; the ustar fields only need to be harmless.
        out.write(header(name.length() < 100 && isAscii(name) ? name : "./long-name", type, mode, uid, gid,
                link.length() < 100 && isAscii(link) ? link : "long-target", data.length));
        out.write(data);
        out.write(new byte[padding(data.length)]);
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    private static int padding(int length) {
        return (512 - length % 512) % 512;
    }

    private static byte[] header(String name, char type, int mode, int uid, int gid, String link, long size) {
        byte[] h = new byte[512];
        put(h, 0, name.getBytes(StandardCharsets.US_ASCII));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 0);
        h[156] = (byte) type;
        put(h, 157, link.getBytes(StandardCharsets.US_ASCII));
        put(h, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, "00".getBytes(StandardCharsets.US_ASCII));
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII));
        return h;
    }

    private static void octal(byte[] h, int offset, int width, long value) {
        put(h, offset, String.format("%0" + (width - 1) + "o\0", value).getBytes(StandardCharsets.US_ASCII));
    }

    private static void put(byte[] h, int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, h, offset, bytes.length);
    }
}
