package org.aptostree.deb.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.version.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelationFieldTest {

    @Test
    void parsesAlternativesOperatorsAndQualifiers() throws Exception {
        List<Dependency> deps = RelationField.DEPENDS.parse(
                "libc6 (>= 2.36), debconf (>= 0.5) | debconf-2.0,\n python3:any (<< 3.14~), perl:native, x (<1), y(>2), z (= 1:2-3), w (7)");
        assertEquals(8, deps.size());
        Relation libc = deps.get(0).first();
        assertEquals("libc6", libc.name());
        assertNull(libc.architecture());
        assertEquals(RelationOperator.GREATER_OR_EQUAL, libc.operator());
        assertEquals(Version.parse("2.36"), libc.version());
        assertEquals(2, deps.get(1).alternatives().size());
        assertEquals("debconf-2.0", deps.get(1).alternatives().get(1).name());
        assertEquals("any", deps.get(2).first().architecture());
        assertEquals(RelationOperator.LESS, deps.get(2).first().operator());
        assertEquals("native", deps.get(3).first().architecture());
        // Legacy '<' and '>' mean '<=' and '>=' in dpkg.
        assertEquals(RelationOperator.LESS_OR_EQUAL, deps.get(4).first().operator());
        assertEquals(RelationOperator.GREATER_OR_EQUAL, deps.get(5).first().operator());
        assertEquals(RelationOperator.EQUAL, deps.get(6).first().operator());
        assertEquals(RelationOperator.EQUAL, deps.get(7).first().operator());
        assertEquals("libc6 (>= 2.36), debconf (>= 0.5) | debconf-2.0, python3:any (<< 3.14~), perl:native, "
                + "x (<= 1), y (>= 2), z (= 1:2-3), w (= 7)", Dependency.format(deps));
        assertTrue(libc.allows(Version.parse("2.41-12")));
        assertEquals(List.of(), RelationField.DEPENDS.parse("  "));
    }

    @Test
    void sourceFieldsTakeRestrictionsAndTrailingComma() throws Exception {
        List<Dependency> deps = RelationField.BUILD_DEPENDS.parse(
                "debhelper-compat (= 13), libselinux1-dev [linux-any !hurd-i386] <!stage1> <cross nocheck>, gcc:native,");
        assertEquals(3, deps.size());
        Relation r = deps.get(1).first();
        assertEquals(List.of("linux-any", "!hurd-i386"), r.architectureRestrictions());
        assertEquals(List.of(List.of("!stage1"), List.of("cross", "nocheck")), r.profileRestrictions());
        assertEquals("libselinux1-dev [linux-any !hurd-i386] <!stage1> <cross nocheck>", r.toString());
        assertThrows(DebFormatException.class, () -> RelationField.DEPENDS.parse("a [amd64]"));
        assertThrows(DebFormatException.class, () -> RelationField.DEPENDS.parse("a,"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "CONFLICTS;a | b;alternatives ('|') not allowed in 'Conflicts' field",
        "PROVIDES;a (>= 1);only exact versions may be used for 'Provides' field",
        "DEPENDS;a (<> 1);'Depends' field, reference to 'a': bad version relationship <>",
        "DEPENDS;a (>= 1;'Depends' field, reference to 'a': version unterminated",
        "DEPENDS;a (>= 1 2);'Depends' field, reference to 'a': version contains ' '",
        "DEPENDS;a (>= 1:);'Depends' field, reference to 'a': version '1:': nothing after colon in version number",
        "DEPENDS;a:;'Depends' field, missing architecture name, or garbage where architecture name expected",
        "DEPENDS;a:all;'Depends' field, reference to 'a': invalid architecture name 'all'",
        "DEPENDS;-a;'Depends' field, invalid package name '-a': must start with an alphanumeric character",
        "DEPENDS;a b;'Depends' field, syntax error after reference to package 'a'",
        "DEPENDS;a,,b;'Depends' field, missing package name, or garbage where package name expected",
    })
    void rejectsAsDpkg(RelationField field, String value, String message) {
        DebFormatException e = assertThrows(DebFormatException.class, () -> field.parse(value));
        assertEquals(message, e.reason());
        assertTrue(e.offset() >= 0);
    }

    @Test
    void fieldRules() {
        assertTrue(RelationField.BREAKS.implicitAnyArchitecture());
        assertTrue(!RelationField.DEPENDS.implicitAnyArchitecture());
        assertEquals(RelationField.PRE_DEPENDS, RelationField.byName("pre-depends"));
    }
}
