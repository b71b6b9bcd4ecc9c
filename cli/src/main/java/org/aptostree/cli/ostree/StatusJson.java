package org.aptostree.cli.ostree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.sysroot.Deployment;
import org.aptostree.ostree.sysroot.Sysroot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** {@code ostree admin status --json}: the deployment list as a JSON document. */
final class StatusJson {
    private StatusJson() {
    }

    static String format(Sysroot s, Repository repo) throws JsonProcessingException {
        List<Map<String, Object>> deployments = new ArrayList<>();
        List<Deployment> list = s.deployments();
        for (int i = 0; i < list.size(); i++) {
            Deployment d = list.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", i);
            m.put("stateroot", d.osname());
            m.put("checksum", d.commit().hex());
            m.put("serial", d.deploySerial());
            m.put("bootcsum", d.bootChecksum());
            m.put("bootserial", d.bootSerial());
            m.put("booted", s.booted().map(d::sameDeployment).orElse(false));
            m.put("pinned", d.pinned());
            m.put("version", AdminCommand.Status.versionOf(repo, d.commit()).orElse(null));
            m.put("origin", d.origin() == null ? null : d.origin().get("origin", "refspec").orElse(null));
            m.put("options", d.bootEntry().options());
            deployments.add(m);
        }
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("deployments", deployments));
    }
}
