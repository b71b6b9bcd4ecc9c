package org.aptostree.daemon.transaction;

import java.util.List;
import java.util.function.UnaryOperator;

import org.aptostree.ostree.sysroot.KernelArgs;

/**
 * The kernel argument changes of {@code kargs}, applied in rpm-ostree's order: deletions, conditional deletions,
 * replacements, appends, conditional appends. The CLI's direct mode and the daemon build the same edit.
 */
public record KernelArgsEdit(List<String> append, List<String> replace, List<String> delete, List<String> appendIfMissing,
        List<String> deleteIfPresent) implements UnaryOperator<KernelArgs> {

    public KernelArgsEdit {
        append = List.copyOf(append);
        replace = List.copyOf(replace);
        delete = List.copyOf(delete);
        appendIfMissing = List.copyOf(appendIfMissing);
        deleteIfPresent = List.copyOf(deleteIfPresent);
    }

    /** Whether it changes anything at all (else {@code kargs} only shows the arguments). */
    public boolean isEmpty() {
        return append.isEmpty() && replace.isEmpty() && delete.isEmpty() && appendIfMissing.isEmpty() && deleteIfPresent.isEmpty();
    }

    @Override
    public KernelArgs apply(KernelArgs k) {
        KernelArgs out = k;
        for (String a : delete) {
            out = out.delete(a);
        }
        for (String a : deleteIfPresent) {
            if (out.args().contains(a) || !a.contains("=") && out.value(a).isPresent()) {
                out = out.delete(a);
            }
        }
        for (String a : replace) {
            out = out.replace(a);
        }
        for (String a : append) {
            out = out.append(a);
        }
        for (String a : appendIfMissing) {
            if (!out.args().contains(a)) {
                out = out.append(a);
            }
        }
        return out;
    }
}
