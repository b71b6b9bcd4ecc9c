package org.aptostree.deb.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.aptostree.deb.DebFormatException;

/**
 * OpenPGP ASCII armor (RFC 4880 §6, RFC 9580 §6.2): decodes {@code -----BEGIN PGP <TYPE>-----} blocks
 * into their binary packets, checking the CRC-24 when present. Armor headers ({@code Version:},
 * {@code Comment:}, ...) are skipped.
 *
 * @param type   the block type, e.g. {@code "SIGNATURE"} or {@code "PUBLIC KEY BLOCK"}
 * @param binary the decoded packets
 */
public record Armor(String type, byte[] binary) {
    private static final String BEGIN = "-----BEGIN PGP ";
    private static final String END = "-----END PGP ";
    private static final String DASHES = "-----";

    /** Copies the bytes. */
    public Armor {
        binary = binary.clone();
    }

    /** The decoded bytes (a copy). */
    @Override
    public byte[] binary() {
        return binary.clone();
    }

    /** True when {@code data} starts (after white space) with an armor header line. */
    public static boolean looksArmored(byte[] data) {
        int i = 0;
        while (i < data.length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
            i++;
        }
        byte[] begin = BEGIN.getBytes(StandardCharsets.US_ASCII);
        if (data.length - i < begin.length) {
            return false;
        }
        for (int k = 0; k < begin.length; k++) {
            if (data[i + k] != begin[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Decodes every armor block of {@code text}; text between blocks is ignored.
     *
     * @throws DebFormatException for a block without end, bad base64, or a CRC mismatch (with the line)
     */
    public static List<Armor> decodeAll(String text) throws DebFormatException {
        List<Armor> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        int i = 0;
        while (i < lines.length) {
            String line = stripTrailing(lines[i]);
            if (line.startsWith(BEGIN) && line.endsWith(DASHES) && line.length() > BEGIN.length() + DASHES.length()) {
                String type = line.substring(BEGIN.length(), line.length() - DASHES.length());
                i = decodeBlock(lines, i + 1, type, blocks);
            } else {
                i++;
            }
        }
        return blocks;
    }

    /** Decodes the one block of type {@code type} in {@code text}. */
    public static Armor decodeOne(String text, String type) throws DebFormatException {
        List<Armor> all = decodeAll(text);
        if (all.size() != 1 || !all.get(0).type().equals(type)) {
            throw new DebFormatException("expected exactly one armored PGP " + type + " block, found " + all.size() + " block(s)");
        }
        return all.get(0);
    }

    private static int decodeBlock(String[] lines, int start, String type, List<Armor> out) throws DebFormatException {
        int i = start;
        // Armor headers: "Key: value" lines up to an empty line. Some writers omit the empty line
        // when there are no headers; then the first line is already base64.
        int headerEnd = i;
        while (headerEnd < lines.length && !stripTrailing(lines[headerEnd]).isEmpty() && lines[headerEnd].contains(": ")) {
            headerEnd++;
        }
        if (headerEnd < lines.length && stripTrailing(lines[headerEnd]).isEmpty()) {
            i = headerEnd + 1;
        } else if (headerEnd != i) {
            throw DebFormatException.atLine("armor headers not followed by an empty line", headerEnd + 1);
        }
        StringBuilder base64 = new StringBuilder();
        String crc = null;
        String endLine = END + type + DASHES;
        for (; i < lines.length; i++) {
            String line = stripTrailing(lines[i]);
            if (line.equals(endLine)) {
                byte[] data;
                try {
                    data = Base64.getDecoder().decode(base64.toString());
                } catch (IllegalArgumentException e) {
                    throw DebFormatException.atLine("invalid base64 in armored PGP " + type + ": " + e.getMessage(), i + 1);
                }
                if (crc != null) {
                    byte[] c;
                    try {
                        c = Base64.getDecoder().decode(crc);
                    } catch (IllegalArgumentException e) {
                        throw DebFormatException.atLine("invalid armor checksum", i);
                    }
                    if (c.length != 3 || ((c[0] & 0xff) << 16 | (c[1] & 0xff) << 8 | (c[2] & 0xff)) != crc24(data)) {
                        throw DebFormatException.atLine("armor checksum mismatch in PGP " + type, i);
                    }
                }
                if (data.length == 0) {
                    throw DebFormatException.atLine("empty armored PGP " + type, i + 1);
                }
                out.add(new Armor(type, data));
                return i + 1;
            }
            if (crc != null) {
                throw DebFormatException.atLine("data after the armor checksum", i + 1);
            }
            if (line.startsWith("=") && line.length() == 5) {
                crc = line.substring(1);
            } else if (line.startsWith(DASHES)) {
                throw DebFormatException.atLine("unexpected armor line '" + line + "'", i + 1);
            } else {
                base64.append(line);
            }
        }
        throw DebFormatException.atLine("armored PGP " + type + " without end line", start);
    }

    /** RFC 4880 CRC-24. */
    static int crc24(byte[] data) {
        int crc = 0xB704CE;
        for (byte b : data) {
            crc ^= (b & 0xff) << 16;
            for (int k = 0; k < 8; k++) {
                crc <<= 1;
                if ((crc & 0x1000000) != 0) {
                    crc ^= 0x1864CFB;
                }
            }
        }
        return crc & 0xFFFFFF;
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }
}
