package org.aptostree.solver;

import java.util.List;

/** No installed set satisfies the request; {@link #reasons()} is the chain of why, one step per line. */
public final class UnsatisfiableRequestException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> reasons;

    public UnsatisfiableRequestException(List<String> reasons) {
        super(String.join("; ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
