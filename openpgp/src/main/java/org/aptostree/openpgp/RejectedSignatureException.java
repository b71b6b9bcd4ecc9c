package org.aptostree.openpgp;

import java.util.List;
import java.util.stream.Collectors;

/** No signature was good: the message names each signature's key and why it was refused. */
public final class RejectedSignatureException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<SignatureCheck> checks;

    public RejectedSignatureException(List<SignatureCheck> checks) {
        super("no good signature: " + describe(checks));
        this.checks = List.copyOf(checks);
    }

    /** Every signature's outcome, in the order of the signature data. */
    public List<SignatureCheck> checks() {
        return checks;
    }

    /** "key FPR: reason; key ID: reason", or "no signatures". */
    public static String describe(List<SignatureCheck> checks) {
        if (checks.isEmpty()) {
            return "no signatures";
        }
        return checks.stream().map(SignatureCheck::toString).collect(Collectors.joining("; "));
    }
}
