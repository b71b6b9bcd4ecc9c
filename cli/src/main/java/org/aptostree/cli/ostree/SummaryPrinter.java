package org.aptostree.cli.ostree;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.DictEntry;
import org.aptostree.ostree.gvariant.GVariantText;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.repo.Summary;

/** A summary as {@code ostree summary --view} prints it ({@code ot_dump_summary_bytes} in ostree's ot-dump.c). */
final class SummaryPrinter {
    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final String[] UNITS = {"kB", "MB", "GB", "TB", "PB", "EB"};

    private SummaryPrinter() {
    }

    static String format(Summary s) throws OstreeFormatException {
        StringBuilder out = new StringBuilder();
        Optional<String> mainCollection = s.metadata().get("ostree.summary.collection-id")
                .filter(v -> v.type().toString().equals("s")).map(v -> (String) v.value());
        refs(mainCollection, s.refs(), out);
        Optional<Variant> map = s.metadata().get("ostree.summary.collection-map")
                .filter(v -> v.type().toString().equals("a{sa(s(taya{sv}))}"));
        if (map.isPresent()) {
            for (Object entry : (List<?>) map.get().value()) {
                DictEntry e = (DictEntry) entry;
                refs(Optional.of((String) e.key()), Summary.decodeRefs(e.value()), out);
            }
        }
        for (DictEntry e : s.metadata().toValue()) {
            String key = (String) e.key();
            Variant v = (Variant) e.value();
            String value = switch (key) {
                case "ostree.static-deltas" -> "Static Deltas (" + key + "): " + GVariantText.formatUnannotated(v.type(), v.value());
                case "ostree.summary.last-modified" -> "Last-Modified (" + key + "): " + localIso(bigEndianUint64(v));
                case "ostree.summary.expires" -> "Expires (" + key + "): " + localIso(bigEndianUint64(v));
                case "ostree.summary.collection-id" -> "Collection ID (" + key + "): " + v.value();
                case "ostree.summary.collection-map" -> "Collection Map (" + key + "): (printed above)";
                case "ostree.summary.mode" -> "Repository Mode (" + key + "): " + (isMode((String) v.value())
                        ? v.value() : "Invalid (\u2018" + v.value() + "\u2019)");
                case "ostree.summary.tombstone-commits" -> "Has Tombstone Commits (" + key + "): " + (Boolean.TRUE.equals(v.value()) ? "Yes" : "No");
                default -> key + ": " + GVariantText.formatUnannotated(v.type(), v.value());
            };
            out.append(value).append('\n');
        }
        return out.toString();
    }

    private static void refs(Optional<String> collection, List<Summary.Ref> refs, StringBuilder out) {
        for (Summary.Ref ref : refs) {
            out.append("* ").append(collection.map(c -> "(" + c + ", " + ref.name() + ")").orElse(ref.name())).append('\n');
            out.append("    Latest Commit (").append(formatSize(ref.commitSize())).append("):\n");
            out.append("      ").append(ref.commit()).append('\n');
            for (DictEntry e : ref.metadata().toValue()) {
                String key = (String) e.key();
                Variant v = (Variant) e.value();
                if (key.equals("ostree.commit.timestamp")) {
                    out.append("    Timestamp (").append(key).append("): ").append(localIso(bigEndianUint64(v)));
                } else if (key.equals("ostree.commit.version")) {
                    out.append("    Version (").append(key).append("): ").append(v.value());
                } else {
                    out.append("    ").append(key).append(": ").append(GVariantText.formatUnannotated(v.type(), v.value()));
                }
                out.append('\n');
            }
            out.append('\n');
        }
    }

    /** g_variant_get_uint64 of a big-endian value; GLib gives 0 for a value of another type. */
    private static long bigEndianUint64(Variant v) {
        return v.type().toString().equals("t") ? Long.reverseBytes((Long) v.value()) : 0;
    }

    private static boolean isMode(String mode) {
        return List.of("bare", "bare-user", "bare-user-only", "archive", "archive-z2", "bare-split-xattrs").contains(mode);
    }

    /** GLib's {@code "%FT%T%:::z"} in the local time zone: the offset in hours, minutes only when there are some. */
    static String localIso(long seconds) {
        ZonedDateTime t = Instant.ofEpochSecond(seconds).atZone(ZoneId.systemDefault());
        int offset = t.getOffset().getTotalSeconds();
        int abs = Math.abs(offset);
        StringBuilder z = new StringBuilder(String.format("%c%02d", offset >= 0 ? '+' : '-', abs / 3600));
        if (abs % 3600 != 0) {
            z.append(String.format(":%02d", abs / 60 % 60));
            if (abs % 60 != 0) {
                z.append(String.format(":%02d", abs % 60));
            }
        }
        return ISO_SECONDS.format(t) + z;
    }

    /** {@code g_format_size}: "N bytes" below 1000, else one decimal and an SI unit after a no-break space. */
    static String formatSize(long size) {
        if (Long.compareUnsigned(size, 1000) < 0) {
            return size + (size == 1 ? " byte" : " bytes");
        }
        int unit = 0;
        BigDecimal factor = BigDecimal.valueOf(1000);
        BigDecimal bytes = new BigDecimal(Long.toUnsignedString(size));
        while (unit < UNITS.length - 1 && bytes.compareTo(factor.multiply(BigDecimal.valueOf(1000))) >= 0) {
            factor = factor.multiply(BigDecimal.valueOf(1000));
            unit++;
        }
        // printf("%.1f") of the double quotient: its exact binary value, rounded half to even.
        double value = bytes.doubleValue() / factor.doubleValue();
        return new BigDecimal(value).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "\u00a0" + UNITS[unit];
    }
}
