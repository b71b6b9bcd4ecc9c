package org.aptostree.deb.control;

import java.util.ArrayList;
import java.util.List;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.version.Version;

/** dpkg's {@code f_dependency} (lib/dpkg/fields.c), character for character, plus source-field extensions. */
final class RelationParser {
    private final RelationField field;
    private final String s;
    private int p;

    RelationParser(RelationField field, String value) {
        this.field = field;
        this.s = value;
    }

    List<Dependency> parse() throws DebFormatException {
        List<Dependency> result = new ArrayList<>();
        skipSpace();
        if (p == s.length()) {
            return result;
        }
        List<Relation> alternatives = new ArrayList<>(2);
        while (true) {
            alternatives.add(relation());
            if (p == s.length() || s.charAt(p) == ',') {
                result.add(new Dependency(alternatives));
                alternatives.clear();
                if (p == s.length()) {
                    break;
                }
                p++;
                if (field.isSourceField()) {
                    // deb-src-control(5): a trailing comma is allowed in source fields.
                    int save = p;
                    skipSpace();
                    if (p == s.length()) {
                        break;
                    }
                    p = save;
                }
                continue;
            }
            if (s.charAt(p) != '|') {
                throw error("'" + field.fieldName() + "' field, syntax error after reference to package '"
                        + alternatives.get(alternatives.size() - 1).name() + "'");
            }
            if (!field.allowsAlternatives()) {
                throw error("alternatives ('|') not allowed in '" + field.fieldName() + "' field");
            }
            p++;
        }
        return List.copyOf(result);
    }

    private Relation relation() throws DebFormatException {
        skipSpace();
        int nameStart = p;
        while (p < s.length() && !isSpace(s.charAt(p)) && ":(,|".indexOf(s.charAt(p)) < 0
                && !(field.isSourceField() && (s.charAt(p) == '[' || s.charAt(p) == '<'))) {
            p++;
        }
        if (p == nameStart) {
            throw error("'" + field.fieldName() + "' field, missing package name, or garbage where package name expected");
        }
        String name = s.substring(nameStart, p);
        String problem = packageNameProblem(name);
        if (problem != null) {
            throw errorAt("'" + field.fieldName() + "' field, invalid package name '" + name + "': " + problem, nameStart);
        }
        String arch = null;
        if (p < s.length() && s.charAt(p) == ':') {
            int archStart = ++p;
            while (p < s.length() && !isSpace(s.charAt(p)) && "(,|".indexOf(s.charAt(p)) < 0
                    && !(field.isSourceField() && (s.charAt(p) == '[' || s.charAt(p) == '<'))) {
                p++;
            }
            if (p == archStart) {
                throw error("'" + field.fieldName() + "' field, missing architecture name, or garbage where architecture name expected");
            }
            arch = s.substring(archStart, p);
            String archProblem = architectureNameProblem(arch);
            if (archProblem != null) {
                throw errorAt("'" + field.fieldName() + "' field, reference to '" + name
                        + "': error in architecture name '" + arch + "': " + archProblem, archStart);
            }
            if (arch.equals("all") || arch.equals("source")) {
                throw errorAt("'" + field.fieldName() + "' field, reference to '" + name
                        + "': invalid architecture name '" + arch + "'", archStart);
            }
        }
        skipSpace();
        RelationOperator operator = null;
        Version version = null;
        if (p < s.length() && s.charAt(p) == '(') {
            p++;
            skipSpace();
            char c1 = charAt(p);
            if (c1 == '<' || c1 == '>') {
                char c2 = charAt(++p);
                if (c2 == '=') {
                    operator = c1 == '<' ? RelationOperator.LESS_OR_EQUAL : RelationOperator.GREATER_OR_EQUAL;
                    p++;
                } else if (c2 == c1) {
                    operator = c1 == '<' ? RelationOperator.LESS : RelationOperator.GREATER;
                    p++;
                } else if (c2 == '<' || c2 == '>') {
                    throw error("'" + field.fieldName() + "' field, reference to '" + name
                            + "': bad version relationship " + c1 + c2);
                } else {
                    // dpkg warns that '<' and '>' are obsolete and reads them as '<=' and '>='.
                    operator = c1 == '<' ? RelationOperator.LESS_OR_EQUAL : RelationOperator.GREATER_OR_EQUAL;
                }
            } else if (c1 == '=') {
                operator = RelationOperator.EQUAL;
                p++;
            } else {
                // dpkg warns "implicit exact match on version number" and takes '='.
                operator = RelationOperator.EQUAL;
            }
            if (operator != RelationOperator.EQUAL && field.exactVersionsOnly()) {
                throw error("only exact versions may be used for '" + field.fieldName() + "' field");
            }
            skipSpace();
            int versionStart = p;
            while (p < s.length() && s.charAt(p) != ')' && s.charAt(p) != '(' && !isSpace(s.charAt(p))) {
                p++;
            }
            int versionEnd = p;
            skipSpace();
            if (p == s.length()) {
                throw error("'" + field.fieldName() + "' field, reference to '" + name + "': version unterminated");
            } else if (s.charAt(p) == '(') {
                throw error("'" + field.fieldName() + "' field, reference to '" + name + "': version contains '('");
            } else if (s.charAt(p) != ')') {
                throw error("'" + field.fieldName() + "' field, reference to '" + name + "': version contains ' '");
            }
            String text = s.substring(versionStart, versionEnd);
            try {
                version = Version.parse(text);
            } catch (DebFormatException e) {
                throw errorAt("'" + field.fieldName() + "' field, reference to '" + name + "': version '"
                        + text + "': " + e.reason(), versionStart);
            }
            p++;
            skipSpace();
        }
        List<String> archs = List.of();
        List<List<String>> profiles = List.of();
        if (field.isSourceField()) {
            if (p < s.length() && s.charAt(p) == '[') {
                archs = restrictionList('[', ']', name);
                skipSpace();
            }
            if (p < s.length() && s.charAt(p) == '<') {
                profiles = new ArrayList<>();
                while (p < s.length() && s.charAt(p) == '<') {
                    profiles.add(restrictionList('<', '>', name));
                    skipSpace();
                }
            }
        }
        return new Relation(name, arch, operator, version, archs, profiles);
    }

    private List<String> restrictionList(char open, char close, String name) throws DebFormatException {
        int start = p;
        p++;
        List<String> terms = new ArrayList<>();
        while (true) {
            skipSpace();
            if (p == s.length()) {
                throw errorAt("'" + field.fieldName() + "' field, reference to '" + name + "': unterminated '" + open + "'", start);
            }
            if (s.charAt(p) == close) {
                p++;
                break;
            }
            int termStart = p;
            while (p < s.length() && !isSpace(s.charAt(p)) && s.charAt(p) != close && "[]<>(),|".indexOf(s.charAt(p)) < 0) {
                p++;
            }
            if (p == termStart) {
                throw error("'" + field.fieldName() + "' field, reference to '" + name + "': bad character in '" + open + close + "' list");
            }
            String term = s.substring(termStart, p);
            String bare = term.startsWith("!") ? term.substring(1) : term;
            if (bare.isEmpty() || bare.startsWith("!")) {
                throw errorAt("'" + field.fieldName() + "' field, reference to '" + name + "': bad restriction '" + term + "'", termStart);
            }
            terms.add(term);
        }
        if (terms.isEmpty()) {
            throw errorAt("'" + field.fieldName() + "' field, reference to '" + name + "': empty '" + open + close + "' list", start);
        }
        return terms;
    }

    /** dpkg's {@code pkg_name_is_illegal}. */
    static String packageNameProblem(String name) {
        if (name.isEmpty()) {
            return "may not be empty string";
        }
        if (!isAlnum(name.charAt(0))) {
            return "must start with an alphanumeric character";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlnum(c) && "-+._".indexOf(c) < 0) {
                return "character '" + c + "' not allowed (only letters, digits and characters '-+._' allowed)";
            }
        }
        return null;
    }

    /** dpkg's {@code dpkg_arch_name_is_illegal}. */
    static String architectureNameProblem(String arch) {
        if (arch.isEmpty()) {
            return "may not be empty string";
        }
        if (!isAlnum(arch.charAt(0))) {
            return "must start with an alphanumeric character";
        }
        for (int i = 1; i < arch.length(); i++) {
            char c = arch.charAt(i);
            if (!isAlnum(c) && c != '-') {
                return "character '" + c + "' not allowed (only letters, digits and characters '-' allowed)";
            }
        }
        return null;
    }

    private char charAt(int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skipSpace() {
        while (p < s.length() && isSpace(s.charAt(p))) {
            p++;
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static boolean isAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private DebFormatException error(String message) {
        return errorAt(message, p);
    }

    private DebFormatException errorAt(String message, int offset) {
        return DebFormatException.atOffset(message, offset);
    }
}
