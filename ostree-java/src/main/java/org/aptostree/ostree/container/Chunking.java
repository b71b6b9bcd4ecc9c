package org.aptostree.ostree.container;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.oci.Descriptor;
import org.aptostree.ostree.oci.ImageManifest;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;

/**
 * Splits a commit's content objects into chunks, one layer each, after ostree-ext's {@code chunking.rs}: each
 * object goes to the component owning one of its paths; components are ordered by total size (largest first) and
 * each gets its own chunk while there are fewer components than layers, followed by an empty chunk reserved for
 * packages added later. With more components than layers the largest keep their own chunk and the rest share one.
 * A prior build's manifest ({@code ostree.components} annotations) keeps its grouping, with new packages in its
 * last chunk, so that a rebuild changes only the layers whose packages changed.
 */
final class Chunking {
    static final int MAX_CHUNKS = 64;
    static final int MIN_CHUNKED_LAYERS = 4;
    static final String COMPONENTS_ANNOTATION = "ostree.components";

    /** A chunk: its name (history entry), the package names of its annotation, its objects in checksum order. */
    record Chunk(String name, List<String> packages, Map<ObjectId, CommitContent.Paths> objects) {
    }

    final List<Chunk> chunks = new ArrayList<>();
    final Map<ObjectId, CommitContent.Paths> remainder;

    private Chunking(Map<ObjectId, CommitContent.Paths> all) {
        this.remainder = new TreeMap<>(all);
    }

    /** Everything in the final layer: the image has a single layer. */
    static Chunking single(CommitContent content) {
        return new Chunking(content.objects);
    }

    private static final class Sized {
        final ContentMeta.Component component;
        final List<ObjectId> objects = new ArrayList<>();
        long size;

        Sized(ContentMeta.Component component) {
            this.component = component;
        }
    }

    static Chunking of(Repository repo, CommitContent content, ContentMeta meta, int maxLayers, Optional<ImageManifest> prior)
            throws IOException, OstreeFormatException {
        int bins = maxLayers > 0 ? maxLayers : MAX_CHUNKS;
        if (bins < MIN_CHUNKED_LAYERS) {
            throw new IllegalArgumentException("--max-layers must be at least " + MIN_CHUNKED_LAYERS + " to split by package");
        }
        Chunking r = new Chunking(content.objects);
        PathResolver resolver = new PathResolver(repo, content);
        Map<String, Sized> byName = new TreeMap<>();
        // An object listed by several components goes to the first by name, so the choice does not depend on input order.
        Map<ObjectId, String> owner = new HashMap<>();
        for (ContentMeta.Component c : meta.components()) {
            if (c.name().equals(ContentMeta.UNPACKAGED) || byName.containsKey(c.name())) {
                throw new IllegalArgumentException("duplicate or reserved component name " + c.name());
            }
            byName.put(c.name(), new Sized(c));
            for (String path : c.paths()) {
                Optional<ObjectId> id = resolver.resolveFile(path);
                if (id.isPresent() && content.objects.containsKey(id.get())) {
                    owner.merge(id.get(), c.name(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                }
            }
        }
        Sized unpackaged = new Sized(new ContentMeta.Component(ContentMeta.UNPACKAGED, List.of(ContentMeta.UNPACKAGED), java.util.Set.of()));
        for (Map.Entry<ObjectId, CommitContent.Paths> e : content.objects.entrySet()) {
            String name = owner.get(e.getKey());
            Sized s = name == null ? unpackaged : byName.get(name);
            s.objects.add(e.getKey());
            s.size += e.getValue().size;
        }
        List<Sized> sized = new ArrayList<>(byName.values());
        if (!unpackaged.objects.isEmpty()) {
            sized.add(unpackaged);
        }
        sized.removeIf(s -> s.objects.isEmpty());
        // Largest first; equal sizes by name, as ostree-ext's stable sort of a name-ordered map.
        sized.sort(Comparator.comparingLong((Sized s) -> -s.size).thenComparing(s -> s.component.name()));

        List<List<Sized>> packing = prior.flatMap(p -> packWithPrior(sized, bins, p)).orElseGet(() -> pack(sized, bins));
        for (List<Sized> bin : packing) {
            Map<ObjectId, CommitContent.Paths> objs = new TreeMap<>();
            List<String> packages = new ArrayList<>();
            for (Sized s : bin) {
                for (ObjectId id : s.objects) {
                    objs.put(id, r.remainder.remove(id));
                }
                packages.addAll(s.component.packages());
            }
            r.chunks.add(new Chunk(name(bin), packages, objs));
        }
        return r;
    }

    private static String name(List<Sized> bin) {
        if (bin.isEmpty()) {
            return "Reserved for new packages";
        }
        if (bin.size() > 5) {
            return bin.size() + " components";
        }
        StringBuilder b = new StringBuilder(bin.get(0).component.name());
        for (int i = 1; i < bin.size(); i++) {
            b.append(" and ").append(bin.get(i).component.name());
        }
        return b.toString();
    }

    private static List<List<Sized>> pack(List<Sized> sized, int bins) {
        List<List<Sized>> r = new ArrayList<>();
        if (sized.size() < bins) {
            for (Sized s : sized) {
                r.add(List.of(s));
            }
        } else {
            List<Sized> regular = new ArrayList<>(sized);
            Sized unpackaged = null;
            for (Sized s : sized) {
                if (s.component.name().equals(ContentMeta.UNPACKAGED)) {
                    unpackaged = s;
                }
            }
            regular.remove(unpackaged);
            int own = bins - (unpackaged != null ? 3 : 2);
            for (int i = 0; i < own; i++) {
                r.add(List.of(regular.get(i)));
            }
            r.add(new ArrayList<>(regular.subList(own, regular.size())));
            if (unpackaged != null) {
                r.add(List.of(unpackaged));
            }
        }
        if (!sized.isEmpty()) {
            r.add(List.of());
        }
        return r;
    }

    /** ostree-ext's {@code basic_packing_with_prior_build}: the prior layers' grouping; empty when it cannot be kept. */
    private static Optional<List<List<Sized>>> packWithPrior(List<Sized> sized, int bins, ImageManifest prior) {
        List<Descriptor> layers = prior.layers();
        if (layers.size() < 2) {
            return Optional.empty();
        }
        List<List<String>> priorBins = new ArrayList<>();
        for (Descriptor d : layers.subList(1, layers.size())) {
            String a = d.annotations().get(COMPONENTS_ANNOTATION);
            if (a == null) {
                return Optional.empty();
            }
            List<String> names = new ArrayList<>();
            for (String n : a.split(",", -1)) {
                if (!n.isEmpty()) {
                    names.add(n);
                }
            }
            priorBins.add(names);
        }
        Map<String, Integer> binOfPackage = new HashMap<>();
        for (int i = 0; i < priorBins.size(); i++) {
            for (String n : priorBins.get(i)) {
                binOfPackage.putIfAbsent(n, i);
            }
        }
        Map<Integer, List<Sized>> placed = new TreeMap<>();
        int last = priorBins.size() - 1;
        for (Sized s : sized) {
            int bin = last;
            for (String p : new TreeSet<>(s.component.packages())) {
                Integer b = binOfPackage.get(p);
                if (b != null) {
                    bin = b;
                    break;
                }
            }
            placed.computeIfAbsent(bin, k -> new ArrayList<>()).add(s);
        }
        List<List<Sized>> r = new ArrayList<>();
        for (int i = 0; i <= last; i++) {
            List<Sized> bin = placed.getOrDefault(i, List.of());
            if (!bin.isEmpty() || i == last) {
                r.add(bin);
            }
        }
        if (r.size() > bins) {
            return Optional.empty();
        }
        return Optional.of(r);
    }

    /** Finds the content object of a packaged path in the commit, following symlinked directories. */
    static final class PathResolver {
        private static final int MAX_LINKS = 40;
        private final Repository repo;
        private final CommitContent content;
        private final Map<String, String> linkTargets = new LinkedHashMap<>();

        PathResolver(Repository repo, CommitContent content) {
            this.repo = repo;
            this.content = content;
        }

        Optional<ObjectId> resolveFile(String path) throws IOException, OstreeFormatException {
            String p = normalize(path);
            if (p == null) {
                return Optional.empty();
            }
            ObjectId direct = content.files.get(p);
            if (direct != null) {
                return Optional.of(direct);
            }
            String resolved = resolveParents(p);
            if (resolved == null && (p.equals("/etc") || p.startsWith("/etc/"))) {
                resolved = resolveParents("/usr" + p);
            }
            return resolved == null ? Optional.empty() : Optional.ofNullable(content.files.get(resolved));
        }

        /** The path with its directories' symlinks resolved (the last component is not followed), or null. */
        private String resolveParents(String p) throws IOException, OstreeFormatException {
            List<String> todo = new ArrayList<>(List.of(p.substring(1).split("/")));
            List<String> done = new ArrayList<>();
            int links = 0;
            while (!todo.isEmpty()) {
                String part = todo.remove(0);
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    if (!done.isEmpty()) {
                        done.remove(done.size() - 1);
                    }
                    continue;
                }
                String cur = "/" + String.join("/", done) + (done.isEmpty() ? "" : "/") + part;
                if (todo.isEmpty()) {
                    done.add(part);
                    break;
                }
                if (content.directories.contains(cur)) {
                    done.add(part);
                    continue;
                }
                String target = symlinkTarget(cur);
                if (target == null || ++links > MAX_LINKS) {
                    return null;
                }
                List<String> rest = new ArrayList<>(List.of(target.split("/")));
                if (target.startsWith("/")) {
                    done.clear();
                }
                rest.addAll(todo);
                todo = rest;
            }
            return "/" + String.join("/", done);
        }

        private String symlinkTarget(String path) throws IOException, OstreeFormatException {
            if (linkTargets.containsKey(path)) {
                return linkTargets.get(path);
            }
            ObjectId id = content.files.get(path);
            String target = null;
            if (id != null) {
                try (ContentObject c = repo.openContent(id)) {
                    if (c.header().isSymlink()) {
                        target = c.header().symlinkTarget();
                    }
                }
            }
            linkTargets.put(path, target);
            return target;
        }

        private static String normalize(String path) {
            if (!path.startsWith("/")) {
                return null;
            }
            String p = path.replaceAll("/+", "/");
            if (p.endsWith("/") && p.length() > 1) {
                p = p.substring(0, p.length() - 1);
            }
            return p.equals("/.") ? "/" : p;
        }
    }
}
