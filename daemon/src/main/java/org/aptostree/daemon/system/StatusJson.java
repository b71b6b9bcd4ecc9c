package org.aptostree.daemon.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * {@code status --json}, with rpm-ostree's key names ({@code deployments}, {@code transaction}, and per deployment
 * {@code id}, {@code checksum}, {@code booted}, {@code requested-packages}, {@code packages},
 * {@code base-checksum}, ...), so that scripts written for it read ours. The same maps are the D-Bus
 * {@code Deployments} property.
 */
public final class StatusJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatusJson() {
    }

    public static String render(SystemStatus status, boolean bootedOnly) {
        Map<String, Object> top = new LinkedHashMap<>();
        List<Map<String, Object>> list = new ArrayList<>();
        for (DeploymentStatus d : status.deployments()) {
            if (!bootedOnly || d.booted()) {
                list.add(deployment(d));
            }
        }
        top.put("deployments", list);
        top.put("transaction", status.transaction().map(t -> List.of(t.title(), String.valueOf(t.pid()), "")).orElse(null));
        top.put("cached-update", status.availableUpdate().map(run -> Map.of("checksum", run.availableCommit().orElseThrow(),
                "found", run.time().toString())).orElse(null));
        top.put("update-driver", null);
        top.put("automatic-update-policy", status.automaticUpdates().policy());
        top.put("automatic-update-last-run", status.automaticUpdates().lastRun().map(AutomaticUpdateRun::toMap).orElse(null));
        try {
            return JSON.writeValueAsString(top);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of plain values are JSON", e);
        }
    }

    /** One deployment's keys and values. */
    public static Map<String, Object> deployment(DeploymentStatus d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("osname", d.osname());
        m.put("serial", d.serial());
        m.put("checksum", d.checksum());
        d.version().ifPresent(v -> m.put("version", v));
        m.put("timestamp", d.timestamp());
        d.origin().flatMap(Origin::refspec).ifPresent(r -> m.put("origin", r));
        d.origin().flatMap(Origin::containerImageReference).ifPresent(r -> m.put("container-image-reference", r));
        d.imageDigest().ifPresent(r -> m.put("container-image-reference-digest", r));
        m.put("booted", d.booted());
        m.put("staged", d.staged());
        m.put("pinned", d.pinned());
        m.put("unlocked", "none");
        m.put("requested-packages", d.requestedPackages());
        m.put("requested-local-packages", d.origin().map(o -> List.copyOf(o.requestedLocal().values())).orElse(List.of()));
        m.put("requested-base-removals", d.origin().map(o -> List.copyOf(o.overrideRemove())).orElse(List.of()));
        m.put("requested-base-local-replacements", d.origin().map(o -> List.copyOf(o.overrideReplaceLocal().values())).orElse(List.of()));
        m.put("packages", d.packages());
        m.put("base-removals", d.baseRemovals());
        m.put("base-local-replacements", d.baseLocalReplacements());
        d.baseChecksum().ifPresent(b -> m.put("base-checksum", b));
        d.baseVersion().ifPresent(b -> m.put("base-version", b));
        d.baseTimestamp().ifPresent(b -> m.put("base-timestamp", b));
        return m;
    }
}
