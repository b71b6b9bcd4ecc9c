package org.aptostree.solver.edsp;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;
import org.aptostree.deb.index.PackageRecord;
import org.aptostree.solver.PackageVersion;
import org.aptostree.solver.Request;
import org.aptostree.solver.Universe;

/**
 * An EDSP 0.5 scenario as apt writes it to an external solver: a Request stanza, then one stanza per
 * package version with apt's APT-ID, APT-Pin, APT-Candidate, Installed and Hold fields.
 *
 * @param aptIds APT-ID of each version, keyed by {@code name:arch=version}
 */
public record EdspScenario(Universe universe, Request request, Map<String, String> aptIds) {

    public EdspScenario {
        aptIds = Map.copyOf(aptIds);
    }

    /** The key of {@link #aptIds()} for a package version. */
    public static String key(PackageVersion p) {
        return p.nameArch() + "=" + p.version();
    }

    /** Reads a scenario; recommends says whether Recommends are to be installed (EDSP 0.5 does not say). */
    public static EdspScenario read(InputStream in, boolean recommends) throws IOException {
        try (Deb822Reader reader = new Deb822Reader(in)) {
            Paragraph head = reader.read();
            if (head == null || !head.get("Request").orElse("").startsWith("EDSP ")) {
                throw new DebFormatException("not an EDSP scenario: the first stanza has no 'Request: EDSP' field");
            }
            String nativeArch = head.require("Architecture").trim();
            Universe.Builder builder = Universe.builder(nativeArch);
            for (String arch : head.get("Architectures").orElse("").trim().split("\\s+")) {
                if (!arch.isEmpty()) {
                    builder.foreignArchitecture(arch);
                }
            }
            Map<String, String> ids = new HashMap<>();
            List<PackageVersion> candidates = new ArrayList<>();
            for (Paragraph p = reader.read(); p != null; p = reader.read()) {
                PackageVersion version = PackageVersion.from(PackageRecord.from(p));
                String id = p.require("APT-ID").trim();
                ids.put(key(version), id);
                int pin = parsePin(p);
                builder.addAvailable(version, pin);
                if (yes(p, "Installed")) {
                    builder.addInstalled(version);
                }
                if (yes(p, "Hold") && yes(p, "Installed")) {
                    builder.hold(version.nameArch());
                }
                if (yes(p, "APT-Automatic") && yes(p, "Installed")) {
                    builder.markAutomatic(version.nameArch());
                }
                if (yes(p, "APT-Candidate")) {
                    candidates.add(version);
                }
            }
            for (PackageVersion c : candidates) {
                builder.candidate(c);
            }
            boolean upgradeAll = yes(head, "Upgrade-All") || yes(head, "Upgrade") || yes(head, "Dist-Upgrade");
            boolean strict = head.get("Strict-Pinning").map(v -> !v.trim().equalsIgnoreCase("no")).orElse(true);
            Request request = new Request(targets(head, "Install"), targets(head, "Remove"), List.of(),
                    upgradeAll, recommends, strict);
            return new EdspScenario(builder.build(), request, ids);
        }
    }

    private static int parsePin(Paragraph p) throws DebFormatException {
        String text = p.get("APT-Pin").orElse(String.valueOf(Universe.DEFAULT_PRIORITY)).trim();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new DebFormatException("'APT-Pin' field value '" + text + "' is not an integer");
        }
    }

    private static boolean yes(Paragraph p, String field) {
        return p.get(field).map(v -> v.trim().toLowerCase(Locale.ROOT).equals("yes")).orElse(false);
    }

    private static List<Request.Target> targets(Paragraph head, String field) throws DebFormatException {
        List<Request.Target> result = new ArrayList<>();
        for (String item : head.get(field).orElse("").trim().split("\\s+")) {
            if (!item.isEmpty()) {
                try {
                    result.add(Request.Target.parse(item));
                } catch (IllegalArgumentException e) {
                    throw new DebFormatException("'" + field + "' field: bad package '" + item + "'");
                }
            }
        }
        return result;
    }
}
