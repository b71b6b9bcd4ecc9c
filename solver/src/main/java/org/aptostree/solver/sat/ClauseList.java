package org.aptostree.solver.sat;

import java.util.Arrays;

/** A growable array of clauses; watch lists are rewritten in place during propagation, which a List would not allow cheaply. */
final class ClauseList {
    Clause[] data = new Clause[4];
    int size;

    void add(Clause c) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = c;
    }

    /** Removes deleted clauses, keeping the order of the others. */
    void purgeRemoved() {
        int j = 0;
        for (int i = 0; i < size; i++) {
            if (!data[i].removed) {
                data[j++] = data[i];
            }
        }
        Arrays.fill(data, j, size, null);
        size = j;
    }
}
