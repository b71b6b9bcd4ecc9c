package org.aptostree.deb.version;

/**
 * The relations of {@code dpkg --compare-versions A OP B} (src/main/enquiry.c), including the
 * {@code -nl} forms, which treat an empty version as later than any version, and the control-file
 * spellings ({@code <<}, {@code <=}, ..., and the obsolete {@code <} and {@code >}, which mean
 * {@code <=} and {@code >=}). An empty version (or {@code <unknown>}) is "none": {@code lt}-like
 * operators treat it as earlier than everything.
 */
public enum ComparisonOperator {
    LE("le", 0, 0, 1, 0, 0, 1),
    LT("lt", 0, 1, 1, 0, 1, 1),
    EQ("eq", 1, 0, 1, 1, 0, 1),
    NE("ne", 0, 1, 0, 0, 1, 0),
    GE("ge", 1, 0, 0, 1, 0, 0),
    GT("gt", 1, 1, 0, 1, 1, 0),
    LE_NL("le-nl", 0, 0, 1, 1, 0, 0),
    LT_NL("lt-nl", 0, 1, 1, 1, 1, 0),
    GE_NL("ge-nl", 1, 0, 0, 0, 0, 1),
    GT_NL("gt-nl", 1, 1, 0, 0, 1, 1),
    OBSOLETE_LESS("<", 0, 0, 1, 0, 0, 1),
    LESS_EQUAL("<=", 0, 0, 1, 0, 0, 1),
    LESS("<<", 0, 1, 1, 0, 1, 1),
    EQUAL("=", 1, 0, 1, 1, 0, 1),
    OBSOLETE_GREATER(">", 1, 0, 0, 1, 0, 0),
    GREATER_EQUAL(">=", 1, 0, 0, 1, 0, 0),
    GREATER(">>", 1, 1, 0, 1, 1, 0);

    private final String spelling;
    // dpkg's table holds exit statuses (0 = true) for: a<b, a=b, a>b, a empty, both empty, b empty.
    private final int ifLesser;
    private final int ifEqual;
    private final int ifGreater;
    private final int ifNoneA;
    private final int ifNoneBoth;
    private final int ifNoneB;

    ComparisonOperator(String spelling, int ifLesser, int ifEqual, int ifGreater, int ifNoneA, int ifNoneBoth, int ifNoneB) {
        this.spelling = spelling;
        this.ifLesser = ifLesser;
        this.ifEqual = ifEqual;
        this.ifGreater = ifGreater;
        this.ifNoneA = ifNoneA;
        this.ifNoneBoth = ifNoneBoth;
        this.ifNoneB = ifNoneB;
    }

    /** The operator as written on dpkg's command line, e.g. {@code "lt-nl"} or {@code ">="}. */
    public String spelling() {
        return spelling;
    }

    /** True for {@code <} and {@code >}, which dpkg accepts with a warning. */
    public boolean isObsolete() {
        return this == OBSOLETE_LESS || this == OBSOLETE_GREATER;
    }

    /** The operator spelled {@code text}, or null. */
    public static ComparisonOperator bySpelling(String text) {
        for (ComparisonOperator o : values()) {
            if (o.spelling.equals(text)) {
                return o;
            }
        }
        return null;
    }

    /** Whether {@code a OP b} holds; a null version is dpkg's empty ("none") version. */
    public boolean test(Version a, Version b) {
        int status;
        if (a == null) {
            status = b != null ? ifNoneA : ifNoneBoth;
        } else if (b == null) {
            status = ifNoneB;
        } else {
            int c = a.compareTo(b);
            status = c < 0 ? ifLesser : c == 0 ? ifEqual : ifGreater;
        }
        return status == 0;
    }
}
