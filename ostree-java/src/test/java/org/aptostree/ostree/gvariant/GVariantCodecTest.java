package org.aptostree.ostree.gvariant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

/** Examples from the GVariant specification, section "Examples". */
class GVariantCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static void roundTrip(String type, Object value, String hex) throws OstreeFormatException {
        byte[] bytes = GVariantCodec.encode(type, value);
        assertEquals(hex, HEX.formatHex(bytes), type);
        assertEquals(GVariantText.format(GVariantType.of(type), value),
                GVariantText.format(GVariantType.of(type), GVariantCodec.decode(type, bytes)));
    }

    @Test
    void specificationExamples() throws Exception {
        roundTrip("s", "hello world", "68656c6c6f20776f726c6400");
        roundTrip("ms", Optional.of("hello world"), "68656c6c6f20776f726c640000");
        roundTrip("ab", List.of(true, false, false, true, true), "0100000101");
        roundTrip("(si)", List.of("foo", -1), "666f6f00ffffffff04");
        roundTrip("a{si}", List.of(new DictEntry("hi", -2), new DictEntry("bye", -1)),
                "68690000feffffff03000000627965" + "00ffffffff040915");
        roundTrip("as", List.of("i", "can", "has", "strings?"), "690063616e0068617300737472696e67733f0002060a13");
        roundTrip("((ys)as)", List.of(List.of((byte) 'i', "can"), List.of("has", "strings?")),
                "6963616e0068617300737472696e67733f00040d05");
        roundTrip("(yy)", List.of((byte) 0x70, (byte) 0x71), "7071");
        roundTrip("(iy)", List.of(96, (byte) 0x70), "6000000070000000");
        roundTrip("v", Variant.of("s", "hello"), "68656c6c6f000073");
        roundTrip("()", List.of(), "00");
        roundTrip("a(uy)", List.of(List.of(4, (byte) 0x71), List.of(5, (byte) 0x72)), "04000000710000000500000072000000");
    }

    @Test
    void rejectsNonNormalForms() {
        // Non-zero padding between members.
        assertThrows(OstreeFormatException.class, () -> GVariantCodec.decode("(iy)", HEX.parseHex("6000000070000001")));
        // String without its NUL.
        assertThrows(OstreeFormatException.class, () -> GVariantCodec.decode("s", HEX.parseHex("6869")));
        // Framing offset past the end.
        assertThrows(OstreeFormatException.class, () -> GVariantCodec.decode("as", HEX.parseHex("690009")));
        // Fixed-size value of the wrong size.
        assertThrows(OstreeFormatException.class, () -> GVariantCodec.decode("u", HEX.parseHex("010203")));
        // Wider framing offsets than needed: accepted by a lenient reader, not normal form.
        assertThrows(OstreeFormatException.class, () -> GVariantCodec.decode("as", HEX.parseHex("69000200")));
        // Variant with an invalid type string.
        assertThrows(OstreeFormatException.class, () -> GVariantCodec.decode("v", HEX.parseHex("0100007a")));
        // Boolean other than 0 or 1.
        assertThrows(OstreeFormatException.class, () -> GVariantCodec.decode("b", HEX.parseHex("02")));
    }

    @Test
    void stringsAreUtf8() throws Exception {
        roundTrip("s", "caf\u00e9 \u65e5\u672c \uD83D\uDE00", "636166c3a920e697a5e69cac20f09f988000");
        // Invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong NUL, a UTF-16 surrogate.
        for (String bad : List.of("8000", "c300", "c08000", "eda08000", "61ff00")) {
            assertThrows(OstreeFormatException.class, () -> GVariantCodec.decode("s", HEX.parseHex(bad)), bad);
        }
    }

    /** Any string without NUL reads back as written, ASCII or not, alone or among others. */
    @Property(tries = 500)
    void stringsRoundTrip(@ForAll @StringLength(max = 40) @CharRange(from = '\u0001', to = '\uffff') String text,
            @ForAll @StringLength(max = 8) @CharRange(from = '\u0001', to = '\u007f') String ascii) throws Exception {
        // Lone surrogates have no UTF-8 form; Java writes '?' for them, which reads back as '?'.
        String expected = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertEquals(expected, GVariantCodec.decode("s", GVariantCodec.encode("s", text)));
        assertEquals(List.of(ascii, expected, ascii),
                GVariantCodec.decode("as", GVariantCodec.encode("as", List.of(ascii, text, ascii))));
    }

    @Test
    void byteArraysAreRaw() throws Exception {
        byte[] data = {1, 2, 3};
        assertArrayEquals(data, GVariantCodec.encode("ay", data));
        assertArrayEquals(data, (byte[]) GVariantCodec.decode("ay", data));
    }
}
