package org.aptostree.daemon.compose;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aptostree.deb.control.Deb822Writer;
import org.aptostree.deb.control.Dependency;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.control.Relation;
import org.aptostree.deb.control.RelationField;
import org.aptostree.deb.dpkg.DpkgDatabase;

/** The pipeline's configure stage: the unpacked packages' maintainer scripts and triggers, in the sandbox. */
final class MaintainerScripts {
    private MaintainerScripts() {
    }

    /**
     * Runs each unpacked package's {@code preinst install} (or {@code upgrade OLD-VERSION} where it replaced an
     * installed version; dependencies first, as dpkg's unpack order would), then the
     * target's own {@code dpkg --configure -a}, which runs the postinsts and triggers in dpkg's order. A
     * {@code policy-rc.d} forbids starting services meanwhile.
     */
    static void configure(Path root, Sandbox sandbox, List<Paragraph> stanzas) throws IOException {
        Path policy = root.resolve("usr/sbin/policy-rc.d");
        boolean hadPolicy = Files.exists(policy, LinkOption.NOFOLLOW_LINKS);
        if (!hadPolicy) {
            Files.createDirectories(policy.getParent());
            Files.writeString(policy, "#!/bin/sh\n# apt-ostree: no service starts while packages are configured\nexit 101\n");
            Files.setAttribute(policy, "unix:mode", 0755);
        }
        // dpkg runs a preinst from admindir/tmp.ci, beside the package's other control files, before the files are
        // unpacked; debconf, for one, learns the package's name and templates there. The same is set up here: each
        // package's files are gathered outside the sandbox and copied in with one process, not one per file.
        Path staged = Files.createDirectories(sandbox.runDirectory().resolve("control"));
        Path infoDir = root.resolve(DpkgDatabase.ADMIN_DIR).resolve("info");
        StringBuilder script = new StringBuilder("ci=/" + DpkgDatabase.ADMIN_DIR + "/tmp.ci\n");
        boolean preinsts = false;
        for (Paragraph p : installOrder(stanzas)) {
            String name = p.require("Package");
            String arch = p.require("Architecture");
            String info = "same".equals(p.valueOrNull("Multi-Arch")) ? name + ":" + arch : name;
            if (!Files.isRegularFile(infoDir.resolve(info + ".preinst"))) {
                continue;
            }
            preinsts = true;
            Path ci = Files.createDirectory(staged.resolve(info));
            copyControlFiles(infoDir, info, ci);
            Files.writeString(ci.resolve("control"), Deb822Writer.toText(List.of(p.without("Status").without("Conffiles"))) + "\n");
            StringBuilder env = new StringBuilder();
            DpkgDatabase.maintainerScriptEnvironment(name, arch, "preinst")
                    .forEach((k, v) -> env.append(k).append("='").append(v).append("' "));
            script.append("echo 'Running preinst of ").append(name).append("'\n")
                    .append("if [ -e \"$ci\" ] || [ -L \"$ci\" ]; then rm -rf \"$ci\"; fi; cp -a /run/aptostree/control/'").append(info).append("' \"$ci\"\n")
                    .append(env).append("\"$ci/preinst\" ").append(p.valueOrNull("Config-Version") == null ? "install"
                            : "upgrade '" + p.valueOrNull("Config-Version") + "'").append('\n');
        }
        if (preinsts) {
            script.append("rm -rf \"$ci\"\n");
        }
        script.append("dpkg --configure -a\n");
        Sandbox.Result result = sandbox.run(script.toString(), Map.of());
        if (!hadPolicy) {
            Files.deleteIfExists(policy);
        }
        if (result.exitCode() != 0) {
            throw new ComposeException("configuring the packages failed (exit code " + result.exitCode() + "); nothing was committed",
                    result.output());
        }
    }

    /**
     * The control files dpkg keeps of package {@code info} ({@code info/INFO.MEMBER}, the member's name after the last
     * dot, as dpkg reads its database), but its file list, with their modes and times.
     */
    private static void copyControlFiles(Path infoDir, String info, Path to) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(infoDir, info + ".*")) {
            for (Path f : files) {
                String member = f.getFileName().toString().substring(info.length() + 1);
                if (!member.contains(".") && !member.equals("list")) {
                    Files.copy(f, to.resolve(member), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    /** Packages ordered so that each comes after what it (pre-)depends on; cycles are broken by name order. */
    static List<Paragraph> installOrder(List<Paragraph> stanzas) throws IOException {
        Map<String, Paragraph> byName = new LinkedHashMap<>();
        Map<String, String> providers = new HashMap<>();
        List<Paragraph> sorted = new ArrayList<>(stanzas);
        sorted.sort(Comparator.comparing(p -> p.valueOrNull("Package")));
        for (Paragraph p : sorted) {
            // Keyed by name and architecture: libc6:amd64 and libc6:i386 are two packages.
            String key = p.require("Package") + ":" + p.valueOrNull("Architecture");
            byName.put(key, p);
            byName.putIfAbsent(p.require("Package"), p);
            String provides = p.valueOrNull("Provides");
            if (provides != null) {
                for (Dependency d : RelationField.PROVIDES.parse(provides)) {
                    providers.putIfAbsent(d.first().name(), key);
                }
            }
        }
        List<Paragraph> out = new ArrayList<>();
        Set<Paragraph> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Paragraph p : sorted) {
            visit(p, byName, providers, visited, out);
        }
        return out;
    }

    private static void visit(Paragraph p, Map<String, Paragraph> byName, Map<String, String> providers, Set<Paragraph> visited,
            List<Paragraph> out) throws IOException {
        if (!visited.add(p)) {
            return;
        }
        for (RelationField field : List.of(RelationField.PRE_DEPENDS, RelationField.DEPENDS)) {
            String value = p.valueOrNull(field.fieldName());
            if (value == null) {
                continue;
            }
            for (Dependency d : field.parse(value)) {
                for (Relation r : d.alternatives()) {
                    String arch = r.architecture() == null || r.architecture().equals("any") ? null : r.architecture();
                    Paragraph target = arch != null ? byName.get(r.name() + ":" + arch) : byName.get(r.name());
                    if (target == null && providers.containsKey(r.name())) {
                        target = byName.get(providers.get(r.name()));
                    }
                    if (target != null) {
                        visit(target, byName, providers, visited, out);
                        break;
                    }
                }
            }
        }
        out.add(p);
    }
}
