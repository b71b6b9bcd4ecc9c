package org.aptostree.deb.dpkg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.archive.ControlArchive;
import org.aptostree.deb.archive.DebReader;
import org.aptostree.deb.archive.TarEntry;
import org.aptostree.deb.archive.TarReader;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Deb822Writer;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.control.RelationField;
import org.aptostree.deb.unpack.Extractor;
import org.aptostree.deb.unpack.SafePath;
import org.aptostree.deb.version.Version;

/**
 * The dpkg database of a target root ({@code ROOT/var/lib/dpkg}) and unpacking into that root as
 * {@code dpkg --unpack} does, without running maintainer scripts: files are extracted safely with
 * their owners and modes, then {@code info/PKG.list}, {@code .md5sums} (generated when the package
 * has none), {@code .conffiles}, the maintainer scripts and other control files are written, file
 * and named trigger interests are registered, and the package gets a status entry
 * {@code install ok unpacked} whose conffiles carry dpkg's {@code newconffile} marker. Run the
 * target's {@code dpkg --root=ROOT --configure -a} afterwards to configure.
 *
 * <p>A file already owned by another package is only overwritten when the new package Replaces it
 * with a version constraint that holds for the installed version (dpkg's "trying to overwrite" rule).
 */
public final class DpkgDatabase {
    /** The admin directory relative to the root. */
    public static final String ADMIN_DIR = "var/lib/dpkg";

    /** Told where each entry of a package's data ended up, for callers that keep owners themselves. */
    @FunctionalInterface
    public interface FileListener {
        /**
         * @param path  the absolute path in the root where the entry now lives (after diversions; a new
         *              conffile is reported under its final name, not {@code .dpkg-new})
         * @param entry the tar entry, with the owner and mode the package gives it
         */
        void installed(String path, TarEntry entry);
    }

    private final Path root;
    private final Path admin;
    private final boolean preserveOwnership;
    private final Map<String, Paragraph> status = new TreeMap<>();
    private final Map<String, String> owners = new HashMap<>();
    private final Map<String, List<String>> fileTriggers = new LinkedHashMap<>();
    private final Map<String, List<String>> namedTriggers = new TreeMap<>();
    /** dpkg-divert's table: original path → {diverted-to path, diverting package or ":" for local}. */
    private final Map<String, String[]> diversions = new HashMap<>();

    private DpkgDatabase(Path root, boolean preserveOwnership) {
        this.root = root;
        this.preserveOwnership = preserveOwnership;
        this.admin = root.resolve(ADMIN_DIR);
    }

    /** Opens (creating when missing) the database below {@code root}; an existing status file is read. */
    public static DpkgDatabase open(Path root) throws IOException {
        return open(root, true);
    }

    /**
     * Opens the database below {@code root}; files are unpacked with the owners of the archive when
     * {@code preserveOwnership} (which needs root), otherwise owned by the caller.
     */
    public static DpkgDatabase open(Path root, boolean preserveOwnership) throws IOException {
        DpkgDatabase db = new DpkgDatabase(root, preserveOwnership);
        Files.createDirectories(db.admin.resolve("info"));
        Files.createDirectories(db.admin.resolve("updates"));
        Files.createDirectories(db.admin.resolve("triggers"));
        Path diversionsFile = db.admin.resolve("diversions");
        if (Files.exists(diversionsFile)) {
            // Three lines per diversion: the original path, where it is diverted to, and the package
            // that diverted it (":" for a local diversion); see dpkg-divert(1).
            List<String> lines = Files.readAllLines(diversionsFile, StandardCharsets.UTF_8);
            if (lines.size() % 3 != 0) {
                throw new DebFormatException("diversions file has " + lines.size() + " lines, not a multiple of 3");
            }
            for (int i = 0; i < lines.size(); i += 3) {
                db.diversions.put(lines.get(i), new String[] {lines.get(i + 1), lines.get(i + 2)});
            }
        }
        Path statusFile = db.admin.resolve("status");
        if (Files.exists(statusFile)) {
            try (InputStream in = Files.newInputStream(statusFile); Deb822Reader r = new Deb822Reader(in)) {
                for (Paragraph p = r.read(); p != null; p = r.read()) {
                    db.status.put(key(p.require("Package"), p.valueOrNull("Architecture")), p);
                }
            }
        }
        return db;
    }

    /** The status entries, by package. */
    public List<Paragraph> status() {
        return List.copyOf(status.values());
    }

    /**
     * Unpacks a .deb into the root and records it as {@code install ok unpacked}.
     *
     * @return the package's status stanza
     */
    public Paragraph unpack(Path debFile) throws IOException {
        return unpack(debFile, (path, entry) -> { });
    }

    /** Unpacks a .deb as {@link #unpack(Path)} and reports every entry to {@code listener}. */
    public Paragraph unpack(Path debFile, FileListener listener) throws IOException {
        try (InputStream in = Files.newInputStream(debFile); DebReader deb = DebReader.open(in)) {
            return unpack(deb, listener);
        }
    }

    /**
     * Unpacks a package whose archive is already open (its data member possibly decoded ahead with
     * {@link DebReader#decodeData()}); the caller closes {@code deb}.
     */
    public Paragraph unpack(DebReader deb, FileListener listener) throws IOException {
        ControlArchive control = deb.control();
        Paragraph fields = control.control();
        String name = fields.require("Package");
        String arch = fields.require("Architecture");
        String infoName = "same".equals(fields.valueOrNull("Multi-Arch")) ? name + ":" + arch : name;
        List<Relation> replaces = new ArrayList<>();
        for (Dependency d : RelationField.REPLACES.parse(
                Optional.ofNullable(fields.valueOrNull("Replaces")).orElse(""))) {
            replaces.add(d.first());
        }

        Set<String> conffilePaths = new HashSet<>();
        List<String> conffiles = new ArrayList<>();
        for (String line : control.text("conffiles").orElse("").split("\n")) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            conffilePaths.add(t.startsWith("remove-on-upgrade ") ? t.substring("remove-on-upgrade ".length()).strip() : t);
            if (t.startsWith("remove-on-upgrade ")) {
                conffiles.add(t.substring("remove-on-upgrade ".length()).strip() + " newconffile remove-on-upgrade");
            } else {
                conffiles.add(t + " newconffile");
            }
        }
        List<String> list = new ArrayList<>();
        // dpkg ≥ 1.16.3 generates md5sums for a package that lacks it; hashing every file of the others (nearly all)
        // was the unpacking thread's largest cost after writing.
        boolean generateSums = control.file("md5sums").isEmpty();
        Map<String, String> md5 = new LinkedHashMap<>();
        Extractor extractor = new Extractor(root, new Extractor.Options(preserveOwnership, Long.MAX_VALUE));
        TarReader data = deb.data();
        for (TarEntry e = data.next(); e != null; e = data.next()) {
            SafePath path = SafePath.of(e.name());
            String absolute = path.isRoot() ? "/." : "/" + path;
            if (e.type() != TarEntry.Type.DIRECTORY) {
                String owner = owners.get(absolute);
                if (owner != null && !owner.equals(name) && !replacesPackage(replaces, owner)) {
                    throw new DebFormatException("trying to overwrite '" + absolute + "', which is also in package " + owner);
                }
                owners.put(absolute, name);
            }
            // A diversion by another package (or a local one) sends this package's file elsewhere;
            // the .list still names the original path, as dpkg's does.
            TarEntry target = e;
            String destination = absolute;
            String[] diversion = e.type() == TarEntry.Type.DIRECTORY ? null : diversions.get(absolute);
            if (diversion != null && !diversion[1].equals(name)) {
                destination = diversion[0];
            }
            listener.installed(destination, e);
            if (conffilePaths.contains(absolute) && e.type() != TarEntry.Type.DIRECTORY) {
                // dpkg leaves a new conffile as PATH.dpkg-new until --configure decides about it.
                destination = destination + ".dpkg-new";
            }
            if (!destination.equals(absolute)) {
                target = new TarEntry("." + destination, e.type(), e.mode(), e.uid(), e.gid(), e.userName(),
                        e.groupName(), e.size(), e.mtime(), e.linkTarget(), e.deviceMajor(), e.deviceMinor(), e.extended());
            }
            if (e.type() == TarEntry.Type.FILE && generateSums) {
                DigestingStream digesting = new DigestingStream(data.content());
                extractor.extract(target, digesting);
                md5.put(path.toString(), digesting.hex());
            } else {
                extractor.extract(target, data.content());
            }
            list.add(absolute);
        }
        extractor.finish();
        deb.finish();

        Path info = admin.resolve("info");
        write(info.resolve(infoName + ".list"), String.join("\n", list) + "\n", 0644);
        for (TarEntry e : control.entries()) {
            if (e.type() != TarEntry.Type.FILE) {
                continue;
            }
            String member = SafePath.of(e.name()).toString();
            if (member.equals("control") || member.contains("/")) {
                continue;
            }
            byte[] bytes = control.file(member).orElseThrow();
            writeBytes(info.resolve(infoName + "." + member), bytes, e.mode());
        }
        if (generateSums && !md5.isEmpty()) {
            StringBuilder sums = new StringBuilder();
            md5.forEach((p, h) -> sums.append(h).append("  ").append(p).append('\n'));
            write(info.resolve(infoName + ".md5sums"), sums.toString(), 0644);
        }
        registerTriggers(infoName, control.text("triggers").orElse(""));
        Paragraph stanza = StatusStanza.of(fields, "install ok unpacked", conffiles);
        status.put(key(name, arch), stanza);
        return stanza;
    }

    /**
     * dpkg lets a package overwrite another's file only when it Replaces that package, with the version
     * constraint holding for the version recorded for it.
     */
    private boolean replacesPackage(List<Relation> replaces, String owner) throws DebFormatException {
        for (Relation r : replaces) {
            if (!r.name().equals(owner)) {
                continue;
            }
            if (r.operator() == null) {
                return true;
            }
            for (Paragraph p : status.values()) {
                String version = p.valueOrNull("Version");
                if (owner.equals(p.valueOrNull("Package")) && version != null
                        && r.allows(Version.parse(version))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void registerTriggers(String pkg, String triggers) throws DebFormatException {
        for (String line : triggers.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+");
            if (parts.length != 2) {
                throw new DebFormatException("package " + pkg + ": bad triggers line '" + t + "'");
            }
            String who = switch (parts[0]) {
                case "interest", "interest-await" -> pkg;
                case "interest-noawait" -> pkg + "/noawait";
                case "activate", "activate-await", "activate-noawait" -> null;
                default -> throw new DebFormatException("package " + pkg + ": unknown triggers directive '" + parts[0] + "'");
            };
            if (who == null) {
                continue;
            }
            if (parts[1].startsWith("/")) {
                fileTriggers.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(who);
            } else {
                namedTriggers.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(who);
            }
        }
    }

    /**
     * The environment dpkg gives a maintainer script run chrooted into the root (src/main/script.c):
     * {@code DPKG_MAINTSCRIPT_PACKAGE}, {@code _ARCH}, {@code _NAME}, {@code _PACKAGE_REFCOUNT},
     * {@code DPKG_ROOT} (empty inside the chroot), {@code DPKG_ADMINDIR} and {@code DPKG_RUNNING_VERSION}.
     */
    public static Map<String, String> maintainerScriptEnvironment(String pkg, String arch, String script) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DPKG_MAINTSCRIPT_PACKAGE", pkg);
        env.put("DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT", "1");
        env.put("DPKG_MAINTSCRIPT_ARCH", arch);
        env.put("DPKG_MAINTSCRIPT_NAME", script);
        env.put("DPKG_ROOT", "");
        env.put("DPKG_ADMINDIR", "/" + ADMIN_DIR);
        env.put("DPKG_RUNNING_VERSION", "1.22.22");
        return env;
    }

    /** Writes status (sorted by package name), info/format and the trigger interest files (no {@code available}: dpkg no longer needs one). */
    public void write() throws IOException {
        List<Paragraph> entries = new ArrayList<>(status.values());
        write(admin.resolve("status"), Deb822Writer.toText(entries).isEmpty() ? "" : Deb822Writer.toText(entries) + "\n", 0644);
        write(admin.resolve("info/format"), "1\n", 0644);
        StringBuilder file = new StringBuilder();
        fileTriggers.forEach((path, pkgs) -> pkgs.forEach(p -> file.append(path).append(' ').append(p).append('\n')));
        if (file.length() > 0) {
            write(admin.resolve("triggers/File"), file.toString(), 0644);
        }
        for (Map.Entry<String, List<String>> e : namedTriggers.entrySet()) {
            write(admin.resolve("triggers").resolve(e.getKey()), String.join("\n", e.getValue()) + "\n", 0644);
        }
        if (!Files.exists(admin.resolve("triggers/Unincorp"))) {
            write(admin.resolve("triggers/Unincorp"), "", 0644);
        }
    }

    private static String key(String name, String arch) {
        return name + ":" + (arch == null ? "" : arch);
    }

    private static void write(Path file, String text, int mode) throws IOException {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8), mode);
    }

    /** Writes via a temporary file and a rename, as dpkg replaces its database files. */
    private static void writeBytes(Path file, byte[] bytes, int mode) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".aptostree-new");
        Files.write(tmp, bytes);
        Files.setAttribute(tmp, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Passes data through while computing its MD5 (dpkg's md5sums format). */
    private static final class DigestingStream extends InputStream {
        private final InputStream in;
        private final MessageDigest md5;

        DigestingStream(InputStream in) {
            this.in = in;
            try {
                this.md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 is required by the Java platform", e);
            }
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                md5.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                md5.update(b, off, n);
            }
            return n;
        }

        String hex() throws IOException {
            // Drain what the extractor did not read, so the digest covers the whole file.
            in.transferTo(new ByteArrayOutputStream() {
                @Override
                public void write(byte[] b, int off, int len) {
                    md5.update(b, off, len);
                }
            });
            return HexFormat.of().formatHex(md5.digest());
        }
    }
}
