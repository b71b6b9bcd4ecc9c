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
 * The dpkg database of a target root and unpacking into that root as {@code dpkg --unpack} does,
 * without running maintainer scripts: files are extracted safely with their owners and modes, then
 * {@code info/PKG.list}, {@code .md5sums} (generated when the package has none), {@code .conffiles},
 * the maintainer scripts and other control files are written, file and named trigger interests are
 * registered, triggers the new files activate are recorded as pending for the packages interested in
 * them, and the package gets a status entry {@code install ok unpacked} whose conffiles carry dpkg's
 * {@code newconffile} marker. Run the target's {@code dpkg --configure -a} afterwards to configure.
 *
 * <p>The database lives at {@code var/lib/dpkg}, or, in a tree in the OSTree layout where {@code /var}
 * is empty, at {@code usr/lib/sysimage/dpkg}. {@link #create} makes a new one for an empty root;
 * {@link #open} only opens an existing one.
 *
 * <p>A file already owned by another package is only overwritten when the new package Replaces it
 * with a version constraint that holds for the installed version (dpkg's "trying to overwrite" rule),
 * or when the database was opened to force it ({@code --force-overwrite}). Unpacking a package that is
 * already installed upgrades it: files of the old version that the new one lacks are removed.
 */
public final class DpkgDatabase {
    /** The admin directory relative to the root, where dpkg looks for it. */
    public static final String ADMIN_DIR = "var/lib/dpkg";
    /** Where the OSTree layout keeps the database, {@code /var} being the machine's own (rpm-ostree's sysimage). */
    public static final String SYSIMAGE_DIR = "usr/lib/sysimage/dpkg";

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
    private boolean forceOverwrite;
    private final Map<String, Paragraph> status = new TreeMap<>();
    /** Path → owning package, for the packages of this database; read from the .list files on first need. */
    private Map<String, String> owners;
    private final Map<String, List<String>> fileTriggers = new LinkedHashMap<>();
    private final Map<String, List<String>> namedTriggers = new TreeMap<>();
    /** dpkg-divert's table: original path → {diverted-to path, diverting package or ":" for local}. */
    private final Map<String, String[]> diversions = new HashMap<>();

    private DpkgDatabase(Path root, Path admin, boolean preserveOwnership) {
        this.root = root;
        this.preserveOwnership = preserveOwnership;
        this.admin = admin;
    }

    /**
     * The admin directory of {@code root}'s database: {@code var/lib/dpkg} when it is there (also as the symlink
     * into {@code usr/lib/sysimage/dpkg} that deployed trees have), else {@code usr/lib/sysimage/dpkg}.
     */
    public static Optional<Path> adminDirectory(Path root) {
        for (String dir : List.of(ADMIN_DIR, SYSIMAGE_DIR)) {
            Path admin = root.resolve(dir);
            if (Files.isRegularFile(admin.resolve("status"))) {
                return Optional.of(admin);
            }
        }
        return Optional.empty();
    }

    /** Opens the existing database below {@code root}, unpacking with the archive's owners (needs root). */
    public static DpkgDatabase open(Path root) throws IOException {
        return open(root, true);
    }

    /**
     * Opens the existing database below {@code root} (see {@link #adminDirectory}); files are unpacked with the
     * owners of the archive when {@code preserveOwnership} (which needs root), otherwise owned by the caller.
     *
     * @throws IOException when {@code root} has no dpkg database: one is never made up here
     */
    public static DpkgDatabase open(Path root, boolean preserveOwnership) throws IOException {
        Path admin = adminDirectory(root).orElseThrow(() -> new java.nio.file.NoSuchFileException(root.toString(), null,
                "no dpkg database: neither " + ADMIN_DIR + "/status nor " + SYSIMAGE_DIR + "/status exists"));
        return load(new DpkgDatabase(root, admin, preserveOwnership));
    }

    /** Makes a new, empty database in {@code root/var/lib/dpkg}; refuses when {@code root} already has one. */
    public static DpkgDatabase create(Path root, boolean preserveOwnership) throws IOException {
        if (adminDirectory(root).isPresent()) {
            throw new java.nio.file.FileAlreadyExistsException(root.toString(), null, "a dpkg database exists already");
        }
        DpkgDatabase db = new DpkgDatabase(root, root.resolve(ADMIN_DIR), preserveOwnership);
        db.owners = new HashMap<>();
        return load(db);
    }

    /**
     * Reads every package's file list now, which the first unpack or removal would do otherwise: for a caller that
     * opens the database ahead of its changes, on a thread with time to spare.
     */
    public DpkgDatabase readFileLists() throws IOException {
        owners();
        return this;
    }

    /** Lets unpacking overwrite another package's files, as {@code dpkg --force-overwrite}. */
    public DpkgDatabase forceOverwrite(boolean value) {
        this.forceOverwrite = value;
        return this;
    }

    private static DpkgDatabase load(DpkgDatabase db) throws IOException {
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
        db.loadTriggerInterests();
        return db;
    }

    /** The interests already registered ({@code triggers/File} and one file per named trigger). */
    private void loadTriggerInterests() throws IOException {
        Path triggers = admin.resolve("triggers");
        Path file = triggers.resolve("File");
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    fileTriggers.computeIfAbsent(line.substring(0, space), k -> new ArrayList<>()).add(line.substring(space + 1).strip());
                }
            }
        }
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(triggers)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.equals("File") || name.equals("Unincorp") || name.equals("Lock") || name.startsWith(".")
                        || name.endsWith(".aptostree-new") || !Files.isRegularFile(p)) {
                    continue;
                }
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        namedTriggers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.strip());
                    }
                }
            }
        }
    }

    /**
     * The last package to list each path, read from {@code info/*.list} when first needed. Directories are in it too,
     * though packages share them and none owns one: each use looks at the disk for the paths it touches, where telling
     * them apart here would look at every directory of the tree.
     */
    private Map<String, String> owners() throws IOException {
        if (owners == null) {
            owners = listedPaths();
        }
        return owners;
    }

    private Map<String, String> listedPaths() throws IOException {
        Map<String, String> listed = new HashMap<>();
        for (Paragraph p : status.values()) {
            Path list = admin.resolve("info").resolve(infoName(p) + ".list");
            if (!Files.isRegularFile(list)) {
                continue;
            }
            String name = p.valueOrNull("Package");
            for (String path : pathsInList(list)) {
                listed.put(path, name);
            }
        }
        return listed;
    }

    /**
     * The paths of a file list ({@code info/NAME.list}), one per line as dpkg writes it: split on newlines only (a
     * name may hold a carriage return), empty lines left out. Read whole: a reader per list would allocate its buffers
     * for each of a base's hundreds of lists.
     */
    private static List<String> pathsInList(Path list) throws IOException {
        String text = Files.readString(list, StandardCharsets.UTF_8);
        List<String> paths = new ArrayList<>();
        for (int start = 0, end; start < text.length(); start = end + 1) {
            end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            if (end > start) {
                paths.add(text.substring(start, end));
            }
        }
        return paths;
    }

    /** The name of a package's files in {@code info/}: {@code NAME} or, for Multi-Arch: same, {@code NAME:ARCH}. */
    private static String infoName(Paragraph p) {
        String name = p.valueOrNull("Package");
        return "same".equals(p.valueOrNull("Multi-Arch")) ? name + ":" + p.valueOrNull("Architecture") : name;
    }

    /** The admin directory this database reads and writes. */
    public Path adminDirectory() {
        return admin;
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
        String infoName = infoName(fields);
        List<Relation> replaces = new ArrayList<>();
        for (Dependency d : RelationField.REPLACES.parse(
                Optional.ofNullable(fields.valueOrNull("Replaces")).orElse(""))) {
            replaces.add(d.first());
        }
        Paragraph previous = status.get(key(name, arch));
        Map<String, String> previousConffiles = previous == null ? Map.of() : conffileHashes(previous);
        Map<String, String> owners = owners();

        Set<String> conffilePaths = new HashSet<>();
        List<String> conffiles = new ArrayList<>();
        for (String line : control.text("conffiles").orElse("").split("\n")) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            boolean removeOnUpgrade = t.startsWith("remove-on-upgrade ");
            String path = removeOnUpgrade ? t.substring("remove-on-upgrade ".length()).strip() : t;
            conffilePaths.add(path);
            // An upgrade keeps the hash of the conffile as installed, so that --configure can tell a local change.
            String hash = previousConffiles.getOrDefault(path, "newconffile");
            conffiles.add(path + " " + hash + (removeOnUpgrade ? " remove-on-upgrade" : ""));
        }
        List<String> list = new ArrayList<>();
        // dpkg ≥ 1.16.3 generates md5sums for a package that lacks it; hashing every file of the others (nearly all)
        // was the unpacking thread's largest cost after writing.
        boolean generateSums = control.file("md5sums").isEmpty();
        Map<String, String> md5 = new LinkedHashMap<>();
        Map<String, Set<String>> activated = new TreeMap<>();
        Extractor extractor = new Extractor(root, new Extractor.Options(preserveOwnership, Long.MAX_VALUE));
        TarReader data = deb.data();
        for (TarEntry e = data.next(); e != null; e = data.next()) {
            SafePath path = SafePath.of(e.name());
            String absolute = path.isRoot() ? "/." : "/" + path;
            if (e.type() != TarEntry.Type.DIRECTORY) {
                String owner = owners.get(absolute);
                if (owner != null && !owner.equals(name) && !forceOverwrite && !replacesPackage(replaces, owner)
                        && !Files.isDirectory(root.resolve(path.toString()), LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileConflictException(absolute, name, owner);
                }
                owners.put(absolute, name);
            }
            activateFileTriggers(absolute, activated);
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
        if (previous != null) {
            removeObsoleteFiles(name, infoName(previous), list, conffilePaths);
        }
        Set<String> written = new HashSet<>();
        write(info.resolve(infoName + ".list"), String.join("\n", list) + "\n", 0644);
        written.add("list");
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
            written.add(member);
        }
        if (generateSums && !md5.isEmpty()) {
            StringBuilder sums = new StringBuilder();
            md5.forEach((p, h) -> sums.append(h).append("  ").append(p).append('\n'));
            write(info.resolve(infoName + ".md5sums"), sums.toString(), 0644);
            written.add("md5sums");
        }
        if (previous != null) {
            // The old version's maintainer scripts and other control files that the new one does not have go.
            deleteInfoFiles(infoName(previous), written);
        }
        String triggers = control.text("triggers").orElse("");
        registerTriggers(infoName, triggers);
        activateNamedTriggers(triggers, activated);
        Paragraph stanza = StatusStanza.of(fields, "install ok unpacked", conffiles);
        if (previous != null && previous.valueOrNull("Version") != null && !previous.valueOrNull("Status").endsWith(" not-installed")) {
            stanza = stanza.with("Config-Version", previous.valueOrNull("Config-Version") != null
                    ? previous.valueOrNull("Config-Version") : previous.valueOrNull("Version"));
        }
        status.put(key(name, arch), stanza);
        recordPendingTriggers(activated);
        return stanza;
    }

    /** A package's files would overwrite another package's, which it does not Replace. */
    public static final class FileConflictException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final String owner;

        FileConflictException(String path, String pkg, String owner) {
            super("trying to overwrite '" + path + "', which is also in package " + owner + " (unpacking " + pkg + ")");
            this.path = path;
            this.owner = owner;
        }

        /** The path both packages have. */
        public String path() {
            return path;
        }

        /** The package that has it already. */
        public String owner() {
            return owner;
        }
    }

    /** {@code path → hash} of a status stanza's {@code Conffiles}. */
    private static Map<String, String> conffileHashes(Paragraph stanza) {
        Map<String, String> out = new HashMap<>();
        String value = stanza.valueOrNull("Conffiles");
        if (value != null) {
            for (String line : value.split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2) {
                    out.put(f[0], f[1]);
                }
            }
        }
        return out;
    }

    /**
     * On an upgrade, the files the old version had and the new one has not: deleted unless another package has them
     * too; obsolete conffiles stay, as dpkg keeps them. Directories stay.
     */
    private void removeObsoleteFiles(String pkg, String oldInfoName, List<String> newList, Set<String> newConffiles) throws IOException {
        Path oldList = admin.resolve("info").resolve(oldInfoName + ".list");
        if (!Files.isRegularFile(oldList)) {
            return;
        }
        Set<String> keep = new HashSet<>(newList);
        Map<String, String> owners = owners();
        for (String line : pathsInList(oldList)) {
            if (line.isEmpty() || keep.contains(line) || newConffiles.contains(line) || !pkg.equals(owners.get(line))) {
                continue;
            }
            Path p = root.resolve(line.substring(1));
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(p);
                owners.remove(line);
            }
        }
    }

    /** Deletes {@code info/NAME.*} but the members named in {@code keep}. */
    private void deleteInfoFiles(String infoName, Set<String> keep) throws IOException {
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(admin.resolve("info"), glob(infoName) + ".*")) {
            for (Path p : ds) {
                String member = p.getFileName().toString().substring(infoName.length() + 1);
                if (!keep.contains(member) && !member.contains(".")) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String glob(String s) {
        return s.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
    }

    /**
     * Removes an installed package as {@code dpkg --purge} does, without its maintainer scripts (rpm-ostree's
     * {@code override remove} runs none either): its files (but those another package also has, and directories
     * that are not empty), its conffiles, its {@code info/} files, its trigger interests and its status entry.
     *
     * @return false when no such package is installed
     */
    public boolean remove(String name, String architecture) throws IOException {
        Paragraph stanza = status.get(key(name, architecture));
        if (stanza == null) {
            return false;
        }
        String infoName = infoName(stanza);
        Map<String, String> owners = owners();
        Path list = admin.resolve("info").resolve(infoName + ".list");
        List<String> paths = Files.isRegularFile(list) ? pathsInList(list) : List.of();
        Set<String> sharedDirs = new HashSet<>();
        for (Paragraph other : status.values()) {
            if (other != stanza) {
                Path l = admin.resolve("info").resolve(infoName(other) + ".list");
                if (Files.isRegularFile(l)) {
                    sharedDirs.addAll(pathsInList(l));
                }
            }
        }
        Set<String> conffiles = conffileHashes(stanza).keySet();
        List<String> dirs = new ArrayList<>();
        for (String line : paths) {
            if (line.isEmpty() || line.equals("/.")) {
                continue;
            }
            Path p = root.resolve(line.substring(1));
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                dirs.add(line);
            } else if (name.equals(owners.get(line)) || conffiles.contains(line)) {
                Files.deleteIfExists(p);
                owners.remove(line);
            }
        }
        dirs.sort(java.util.Comparator.reverseOrder());
        for (String dir : dirs) {
            Path p = root.resolve(dir.substring(1));
            if (!sharedDirs.contains(dir) && isEmptyDirectory(p)) {
                Files.delete(p);
            }
        }
        deleteInfoFiles(infoName, Set.of());
        for (List<String> interested : fileTriggers.values()) {
            interested.removeIf(w -> w.equals(infoName) || w.equals(infoName + "/noawait"));
        }
        fileTriggers.values().removeIf(List::isEmpty);
        for (List<String> interested : namedTriggers.values()) {
            interested.removeIf(w -> w.equals(infoName) || w.equals(infoName + "/noawait"));
        }
        List<String> emptied = namedTriggers.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        for (String trigger : emptied) {
            namedTriggers.remove(trigger);
            Files.deleteIfExists(admin.resolve("triggers").resolve(trigger));
        }
        diversions.values().removeIf(d -> d[1].equals(name));
        status.remove(key(name, architecture));
        return true;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return !ds.iterator().hasNext();
        }
    }

    /** File triggers: every package interested in {@code path} or a directory above it. */
    private void activateFileTriggers(String path, Map<String, Set<String>> activated) {
        for (Map.Entry<String, List<String>> interest : fileTriggers.entrySet()) {
            String dir = interest.getKey();
            if (path.equals(dir) || path.startsWith(dir.endsWith("/") ? dir : dir + "/")) {
                for (String who : interest.getValue()) {
                    activated.computeIfAbsent(who.replace("/noawait", ""), k -> new java.util.TreeSet<>()).add(dir);
                }
            }
        }
    }

    /** Named triggers a package's {@code triggers} control file activates. */
    private void activateNamedTriggers(String triggers, Map<String, Set<String>> activated) {
        for (String line : triggers.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2 && parts[0].startsWith("activate")) {
                for (String who : namedTriggers.getOrDefault(parts[1], List.of())) {
                    activated.computeIfAbsent(who.replace("/noawait", ""), k -> new java.util.TreeSet<>()).add(parts[1]);
                }
            }
        }
    }

    /**
     * Records activated triggers as dpkg does: only for packages that are configured (a package still to be
     * configured does the triggers' work in its postinst), as {@code Triggers-Pending} with the status
     * {@code triggers-pending}, for {@code dpkg --configure -a} to run.
     */
    private void recordPendingTriggers(Map<String, Set<String>> activated) {
        for (Map.Entry<String, Set<String>> a : activated.entrySet()) {
            String who = a.getKey();
            for (Map.Entry<String, Paragraph> e : status.entrySet()) {
                Paragraph p = e.getValue();
                if (!who.equals(infoName(p)) && !who.equals(p.valueOrNull("Package") + ":" + p.valueOrNull("Architecture"))) {
                    continue;
                }
                String st = p.valueOrNull("Status");
                if (st == null || !(st.endsWith(" installed") || st.endsWith(" triggers-pending") || st.endsWith(" triggers-awaited"))) {
                    continue;
                }
                Set<String> pending = new java.util.TreeSet<>(a.getValue());
                String existing = p.valueOrNull("Triggers-Pending");
                if (existing != null) {
                    pending.addAll(List.of(existing.strip().split("\\s+")));
                }
                String[] words = st.split(" ");
                e.setValue(p.with("Status", words[0] + " " + words[1] + " triggers-pending")
                        .with("Triggers-Pending", String.join(" ", pending)));
            }
        }
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
