package org.aptostree.deb.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.aptostree.deb.DebFormatException;
import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Release's hand-written date reader against java.time's formatter, which it replaces. */
class ReleaseDateTest {
    private static final DateTimeFormatter FORMATTER = DateTimeFormatter.ofPattern("EEE, d MMM uuuu HH:mm:ss", Locale.ROOT);

    /** java.time's reading of the date part (the zone is checked apart), or empty where it refuses it. */
    private static Optional<Instant> javaTime(String datePart) {
        try {
            return Optional.of(LocalDateTime.parse(datePart, FORMATTER).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> ours(String text) {
        try {
            return Optional.of(Release.parseDate(text));
        } catch (DebFormatException e) {
            return Optional.empty();
        }
    }

    /** Every second from year 0 to 9999, written as dak writes Release files, reads back to itself. */
    @Property(tries = 2000)
    void everyDateReadsBack(@ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long second,
            @ForAll("zones") String zone, @ForAll boolean padded) throws Exception {
        Instant when = Instant.ofEpochSecond(second);
        String text = DateTimeFormatter.ofPattern(padded ? "EEE, dd MMM uuuu HH:mm:ss" : "EEE, d MMM uuuu HH:mm:ss", Locale.ROOT)
                .format(when.atOffset(ZoneOffset.UTC)) + " " + zone;
        assertEquals(when, Release.parseDate(text), text);
    }

    /**
     * On strings made of a date's parts, right and wrong (weekdays and months in and out of case, digits of every
     * width, separators), we accept only what java.time accepts, as the same instant; it accepts more only where the
     * day is past the month's end, which it moves to the month's last day, and at 24:00:00, which it reads as the next
     * day's midnight (a rare draw with the right weekday).
     */
    @Property(tries = 5000)
    void agreesWithJavaTime(@ForAll("dateParts") String datePart) {
        Optional<Instant> ours = ours(datePart + " UTC");
        Optional<Instant> theirs = javaTime(datePart);
        if (ours.isPresent()) {
            assertEquals(theirs, ours, datePart);
        } else if (theirs.isPresent()) {
            String[] f = datePart.split(" ");
            int day = Integer.parseInt(f[1]);
            YearMonth month = YearMonth.from(theirs.get().atOffset(ZoneOffset.UTC));
            assertTrue(day > month.lengthOfMonth() || f[4].equals("24:00:00"), datePart + ": java.time reads " + theirs.get());
        }
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of("UTC", "GMT", "Z", "+0000");
    }

    @Provide
    Arbitrary<String> dateParts() {
        Arbitrary<String> weekday = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("mon", "SAT", "Thur", "Xyz", "")));
        Arbitrary<String> month = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("jan", "FEB", "Sept", "Foo", "")));
        Arbitrary<String> day = number(1, 40, 1, 3);
        Arbitrary<String> year = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, number(1999, 2031, 4, 4)),
                net.jqwik.api.Tuple.of(1, number(0, 99_999, 1, 5)));
        Arbitrary<String> time = Combinators.combine(number(0, 25, 1, 3), number(0, 61, 1, 3), number(0, 61, 1, 3),
                Arbitraries.of(":", ":", ":", ".")).as((h, m, s, sep) -> h + sep + m + ":" + s);
        Arbitrary<String> comma = Arbitraries.of(",", ",", ",", "");
        // A date whose weekday is right more often than chance would have it.
        Arbitrary<String> parts = Combinators.combine(weekday, comma, day, month, year, time)
                .as((w, c, d, mo, y, t) -> w + c + " " + d + " " + mo + " " + y + " " + t);
        Arbitrary<String> rightWeekday = Arbitraries.longs().between(0, 253_402_300_799L)
                .map(s -> FORMATTER.format(Instant.ofEpochSecond(s).atOffset(ZoneOffset.UTC)));
        return Arbitraries.oneOf(parts, rightWeekday, rightWeekday.map(s -> s.replace(" 0", " ")));
    }

    /** A number from {@code min} to {@code max}, zero-padded to a width from {@code minWidth} to {@code maxWidth}. */
    private static Arbitrary<String> number(int min, int max, int minWidth, int maxWidth) {
        return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.integers().between(minWidth, maxWidth))
                .as((n, w) -> String.format("%0" + w + "d", n));
    }

    @Test
    void wrongDatesAreRefusedNamingThem() throws Exception {
        for (String bad : List.of("Sat, 15 Nov 2025 09:12:33 CET", "Sun, 15 Nov 2025 09:12:33 UTC", "Sat, 31 Nov 2025 09:12:33 UTC",
                "Sat, 15 Nov 2025 24:00:00 UTC", "Sat, 15 Nov 2025 09:12:60 UTC", "Sat 15 Nov 2025 09:12:33 UTC", "15 Nov 2025",
                "Sat, 15 Nov 2025  09:12:33 UTC", "Sat, 15 nov 2025 09:12:33 UTC", "Sat, 15 Nov 25 09:12:33 UTC", "")) {
            DebFormatException e = assertThrows(DebFormatException.class, () -> Release.parseDate(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad.trim() + "'"), e.getMessage());
        }
        assertEquals(Instant.parse("2025-11-15T09:12:33Z"), Release.parseDate("Sat, 15 Nov 2025 09:12:33 UTC"));
        assertEquals(Instant.parse("2024-02-29T00:00:00Z"), Release.parseDate("Thu, 29 Feb 2024 00:00:00 GMT"));
    }
}
