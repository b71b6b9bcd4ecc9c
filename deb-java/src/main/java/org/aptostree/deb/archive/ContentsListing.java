package org.aptostree.deb.archive;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Formats tar entries as {@code dpkg-deb -c} prints them, which is GNU tar's verbose listing
 * ({@code tar -tv}, src/list.c {@code simple_print_header}) in the C locale:
 * <pre>
 * drwxr-xr-x root/root         0 2026-03-06 03:01 ./
 * lrwxrwxrwx root/root         0 2026-03-06 03:01 ./usr/bin/x -&gt; y
 * hrw-r--r-- root/root         0 2026-03-06 03:01 ./a link to ./b
 * </pre>
 * The owner/size column starts 19 wide and, as in GNU tar, widens for good once an entry needs
 * more: hence one stateful instance per listing.
 */
public final class ContentsListing {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm");
    private final ZoneId zone;
    private int ownerSizeWidth = 19;

    /** A listing with times in {@code zone} (dpkg-deb uses the local time zone). */
    public ContentsListing(ZoneId zone) {
        this.zone = zone;
    }

    /** The line for {@code e}, without the final newline. */
    public String line(TarEntry e) {
        String user = e.userName().isEmpty() ? Long.toString(e.uid()) : e.userName();
        String group = e.groupName().isEmpty() ? Long.toString(e.gid()) : e.groupName();
        String size = switch (e.type()) {
            case CHAR_DEVICE, BLOCK_DEVICE -> e.deviceMajor() + "," + e.deviceMinor();
            default -> Long.toString(e.size());
        };
        int pad = user.length() + 1 + group.length() + 1 + size.length();
        if (pad > ownerSizeWidth) {
            ownerSizeWidth = pad;
        }
        StringBuilder b = new StringBuilder(80);
        b.append(e.modeString()).append(' ').append(user).append('/').append(group).append(' ');
        for (int i = pad; i < ownerSizeWidth; i++) {
            b.append(' ');
        }
        b.append(size).append(' ');
        b.append(TIME.format(Instant.ofEpochSecond(e.mtime()).atZone(zone))).append(' ');
        b.append(quote(e.name()));
        if (e.type() == TarEntry.Type.SYMLINK) {
            b.append(" -> ").append(quote(e.linkTarget()));
        } else if (e.type() == TarEntry.Type.HARD_LINK) {
            b.append(" link to ").append(quote(e.linkTarget()));
        }
        return b.toString();
    }

    /** GNU tar's default "escape" quoting in the C locale: C escapes, octal for other non-printable bytes. */
    static String quote(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length);
        for (byte raw : bytes) {
            int c = raw & 0xff;
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\u0007' -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0x0b -> b.append("\\v");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        b.append('\\').append((char) ('0' + ((c >> 6) & 7))).append((char) ('0' + ((c >> 3) & 7)))
                                .append((char) ('0' + (c & 7)));
                    } else {
                        b.append((char) c);
                    }
                }
            }
        }
        return b.toString();
    }
}
