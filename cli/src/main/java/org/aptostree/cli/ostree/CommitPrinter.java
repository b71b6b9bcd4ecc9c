package org.aptostree.cli.ostree;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;

/** Prints a commit as {@code ostree show} and {@code ostree log} do. */
final class CommitPrinter {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss +0000").withZone(ZoneOffset.UTC);

    private CommitPrinter() {
    }

    static String format(ObjectId id, Commit c) {
        StringBuilder out = new StringBuilder();
        out.append("commit ").append(id).append('\n');
        c.parent().ifPresent(p -> out.append("Parent:  ").append(p).append('\n'));
        out.append("ContentChecksum:  ").append(c.contentChecksum()).append('\n');
        out.append("Date:  ").append(DATE.format(c.time())).append('\n');
        c.metadata().getString("version").ifPresent(v -> out.append("Version: ").append(v).append('\n'));
        if (c.subject().isEmpty()) {
            out.append("(no subject)\n");
        } else {
            out.append('\n').append("    ").append(c.subject()).append('\n');
            if (!c.body().isEmpty()) {
                out.append('\n');
                for (String line : c.body().split("\n", -1)) {
                    out.append("    ").append(line).append('\n');
                }
            }
        }
        out.append('\n');
        return out.toString();
    }
}
