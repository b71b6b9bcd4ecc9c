package org.aptostree.daemon.transaction;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How a transaction ended: whether it changed the system, what it says to people (the lines the CLI prints), the
 * deployment it made, and the packages it added or removed there. Its JSON is the D-Bus {@code result}.
 *
 * @param changed    false when there was nothing to do ("No change.", rpm-ostree's exit code 77 case)
 * @param output     lines for people
 * @param deployment the new deployment's id ({@code osname-checksum.serial}), if one was made or staged
 * @param checksum   its commit
 * @param added      packages it has that the deployment it was made from did not ({@code name version arch})
 * @param removed    packages the other way round
 */
public record TransactionResult(boolean changed, List<String> output, Optional<String> deployment, Optional<String> checksum,
        List<String> added, List<String> removed) {
    /** Made on first use: only the daemon sends results as JSON, and a mapper costs a few hundred classes. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    public TransactionResult {
        output = List.copyOf(output);
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    /** A result that changed nothing. */
    public static TransactionResult unchanged(String... output) {
        return new TransactionResult(false, List.of(output), Optional.empty(), Optional.empty(), List.of(), List.of());
    }

    /** A result that changed the system without making a deployment (a rollback, a cleanup, ...). */
    public static TransactionResult done(List<String> output) {
        return new TransactionResult(true, output, Optional.empty(), Optional.empty(), List.of(), List.of());
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("changed", changed);
        m.put("deployment", deployment.orElse(null));
        m.put("checksum", checksum.orElse(null));
        m.put("added", added);
        m.put("removed", removed);
        m.put("output", output);
        try {
            return Json.MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and lists is JSON", e);
        }
    }
}
