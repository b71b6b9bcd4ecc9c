package org.aptostree.solver.sat;

import java.util.Arrays;

/** A growable array of ints, to avoid boxing in the solver's inner loops. */
final class IntList {
    private int[] data = new int[8];
    private int size;

    void add(int value) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = value;
    }

    void set(int index, int value) {
        data[index] = value;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
