package org.aptostree.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Objects;

/**
 * Checks a record whose equals and hashCode are written out against what the generated ones would do: equal exactly
 * when every component is equal, and equal records hash alike. A component added later and left out of equals fails it.
 */
public final class RecordEquality {
    private RecordEquality() {
    }

    /** Throws an AssertionError naming the records when their equals or hashCode disagree with their components. */
    public static void check(Record a, Record b) {
        boolean componentwise = a.getClass() == b.getClass() && componentsEqual(a, b);
        if (a.equals(b) != componentwise || b.equals(a) != componentwise) {
            throw new AssertionError("equals is " + a.equals(b) + ", the components say " + componentwise + ": " + a + " and " + b);
        }
        if (componentwise && a.hashCode() != b.hashCode()) {
            throw new AssertionError("equal records hash differently: " + a + " and " + b);
        }
        if (!a.equals(a) || a.equals(null)) {
            throw new AssertionError("equals is not reflexive or accepts null: " + a);
        }
    }

    private static boolean componentsEqual(Record a, Record b) {
        try {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                c.getAccessor().setAccessible(true);
                if (!Objects.equals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
                    return false;
                }
            }
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read the components of " + a.getClass(), e);
        }
    }
}
