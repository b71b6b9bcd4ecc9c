package org.aptostree.ostree.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** A directory tree as text per path (type, mode, owner, size, content hash or target, user xattrs), to compare trees. */
final class TreeListing {
    private TreeListing() {
    }

    /**
     * @param renames top-level-relative prefixes to rename before comparing ({@code etc} → {@code usr/etc})
     * @param skip    paths left out with everything below them
     */
    static Map<String, String> of(Path root, Map<String, String> renames, List<String> skip) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) {
                    rel = ".";
                }
                final String r = rel;
                if (skip.stream().anyMatch(x -> r.equals(x) || r.startsWith(x + "/"))) {
                    continue;
                }
                for (Map.Entry<String, String> e : renames.entrySet()) {
                    if (rel.equals(e.getKey()) || rel.startsWith(e.getKey() + "/")) {
                        rel = e.getValue() + rel.substring(e.getKey().length());
                    }
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                StringBuilder d = new StringBuilder(String.format("%o %s:%s", mode, a.get("uid"), a.get("gid")));
                if (Files.isSymbolicLink(p)) {
                    d.append(" -> ").append(Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    d.append(' ').append(a.get("size")).append(' ').append(sha256(p)).append(userXattrs(p));
                } else {
                    d.append(userXattrs(p));
                }
                out.put(rel, d.toString());
            }
        }
        return out;
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String userXattrs(Path p) throws IOException {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        StringBuilder b = new StringBuilder();
        for (String n : new TreeSet<>(v.list())) {
            ByteBuffer buf = ByteBuffer.allocate(v.size(n));
            v.read(n, buf);
            b.append(" user.").append(n).append('=').append(new String(buf.array(), StandardCharsets.ISO_8859_1));
        }
        return b.toString();
    }
}
