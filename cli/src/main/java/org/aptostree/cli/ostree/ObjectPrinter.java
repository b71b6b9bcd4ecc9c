package org.aptostree.cli.ostree;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.GVariantCodec;
import org.aptostree.ostree.gvariant.GVariantText;
import org.aptostree.ostree.gvariant.GVariantType;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.object.Commit;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;

/** Prints objects as {@code ostree show} and {@code ostree log} do (ostree's ot-dump.c). */
final class ObjectPrinter {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss +0000").withZone(ZoneOffset.UTC);
    /** GLib's GDateTime ends with year 9999. */
    private static final long LAST_TIMESTAMP = 253402300799L;

    private ObjectPrinter() {
    }

    /** How an object is shown: parsed (the default), as its whole variant, or both without byte swapping ({@code -B}). */
    enum Dump { PARSED, RAW, UNSWAPPED }

    /**
     * {@code ot_dump_object}: the type and checksum, then the variant as asked, then for a commit its parsed form.
     * @param data the object's serialised variant
     */
    static String format(ObjectType type, ObjectId id, GVariantType variantType, byte[] data, Dump dump) throws OstreeFormatException {
        StringBuilder out = new StringBuilder();
        out.append(type.extension()).append(' ').append(id).append('\n');
        if (dump == Dump.UNSWAPPED) {
            out.append(GVariantText.format(variantType, GVariantCodec.decode(variantType, data))).append('\n');
        } else if (dump == Dump.RAW) {
            out.append(swapped(new Variant(variantType, GVariantCodec.decode(variantType, data)))).append('\n');
            return out.toString();
        }
        if (type == ObjectType.COMMIT) {
            out.append(body(Commit.decode(data)));
        }
        return out.toString();
    }

    /** {@code ot_dump_variant}: on a little-endian machine ostree prints variants byte-swapped (data is big-endian). */
    static String swapped(Variant v) {
        return GVariantText.format(v.type(), GVariantCodec.byteswap(v.type(), v.value()));
    }

    /** {@code dump_commit}. */
    private static String body(Commit c) throws OstreeFormatException {
        if (c.timestamp() < 0 || c.timestamp() > LAST_TIMESTAMP) {
            throw new OstreeFormatException("Failed to read commit: Invalid timestamp: " + Long.toUnsignedString(c.timestamp()));
        }
        StringBuilder out = new StringBuilder();
        c.parent().ifPresent(p -> out.append("Parent:  ").append(p).append('\n'));
        out.append("ContentChecksum:  ").append(c.contentChecksum()).append('\n');
        out.append("Date:  ").append(DATE.format(c.time())).append('\n');
        c.metadata().get("version").filter(v -> v.type().toString().equals("s"))
                .ifPresent(v -> out.append("Version: ").append(v.value()).append('\n'));
        if (c.subject().isEmpty()) {
            out.append("(no subject)\n");
        } else {
            out.append('\n');
            indented(c.subject(), out);
        }
        if (!c.body().isEmpty()) {
            out.append('\n');
            indented(c.body(), out);
        }
        out.append('\n');
        return out.toString();
    }

    /** {@code dump_indented_lines}: every line indented by four spaces, and a last line without '\n' given one. */
    private static void indented(String text, StringBuilder out) {
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            out.append("    ").append(text, start, end);
            if (nl < 0) {
                out.append('\n');
            }
            start = end;
        }
    }
}
