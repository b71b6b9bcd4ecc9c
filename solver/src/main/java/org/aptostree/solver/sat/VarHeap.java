package org.aptostree.solver.sat;

import java.util.Arrays;

/**
 * A binary max-heap of variables ordered by activity, ties broken by the lower variable number so that
 * the solver is deterministic.
 */
final class VarHeap {
    private int[] heap = new int[8];
    private int size;
    /** Position of each variable in {@link #heap}, or -1. */
    private int[] position = new int[8];

    VarHeap() {
        Arrays.fill(position, -1);
    }

    void ensureCapacity(int vars) {
        if (vars > position.length) {
            int old = position.length;
            position = Arrays.copyOf(position, vars);
            Arrays.fill(position, old, vars, -1);
            heap = Arrays.copyOf(heap, vars);
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(int v) {
        return v < position.length && position[v] >= 0;
    }

    void insert(int v, double[] activity) {
        ensureCapacity(v + 1);
        heap[size] = v;
        position[v] = size;
        size++;
        up(position[v], activity);
    }

    /** Restores the order after the variable's activity increased. */
    void update(int v, double[] activity) {
        if (contains(v)) {
            up(position[v], activity);
        }
    }

    int removeMax(double[] activity) {
        int top = heap[0];
        size--;
        position[top] = -1;
        if (size > 0) {
            heap[0] = heap[size];
            position[heap[0]] = 0;
            down(0, activity);
        }
        return top;
    }

    private static boolean before(int a, int b, double[] activity) {
        return activity[a] > activity[b] || (activity[a] == activity[b] && a < b);
    }

    private void up(int i, double[] activity) {
        int v = heap[i];
        while (i > 0) {
            int parent = (i - 1) >> 1;
            if (!before(v, heap[parent], activity)) {
                break;
            }
            heap[i] = heap[parent];
            position[heap[i]] = i;
            i = parent;
        }
        heap[i] = v;
        position[v] = i;
    }

    private void down(int i, double[] activity) {
        int v = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child], activity)) {
                child++;
            }
            if (!before(heap[child], v, activity)) {
                break;
            }
            heap[i] = heap[child];
            position[heap[i]] = i;
            i = child;
        }
        heap[i] = v;
        position[v] = i;
    }
}
