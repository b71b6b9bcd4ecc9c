package org.aptostree.ostree.gvariant;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The iteration order of GLib's GHashTable with {@code g_str_hash} keys (GLib 2.74). libostree builds commit
 * metadata through GVariantDict, whose output order is this hash order; a commit checksum equal to
 * {@code ostree commit}'s needs the same order, and {@code ostree refs} prints its refs in it. Emulates insertion,
 * quadratic probing and in-place resize.
 */
public final class GHashTableOrder {
    private static final int MIN_SHIFT = 3;
    private static final int[] PRIME_MOD = {1, 2, 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093, 8191, 16381,
        32749, 65521, 131071, 262139, 524287, 1048573, 2097143, 4194301, 8388593, 16777213, 33554393, 67108859,
        134217689, 268435399, 536870909, 1073741789, 2147483647};

    private int size;
    private int mod;
    private int mask;
    private String[] keys;
    private int[] hashes;
    private int nnodes;

    private GHashTableOrder() {
        setShift(MIN_SHIFT);
        keys = new String[size];
        hashes = new int[size];
    }

    /** The order a GHashTable yields keys inserted in the given order (later duplicates replace in place). */
    public static List<String> order(List<String> insertionOrder) {
        GHashTableOrder table = new GHashTableOrder();
        for (String key : insertionOrder) {
            table.insert(key);
        }
        List<String> out = new ArrayList<>(table.nnodes);
        for (int i = 0; i < table.size; i++) {
            if (table.hashes[i] != 0) {
                out.add(table.keys[i]);
            }
        }
        return out;
    }

    private void setShift(int shift) {
        size = 1 << shift;
        mod = PRIME_MOD[shift];
        mask = size - 1;
    }

    static int strHash(String key) {
        int h = 5381;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h << 5) + h + b; // g_str_hash adds signed chars
        }
        return Integer.compareUnsigned(h, 2) < 0 ? 2 : h;
    }

    private int index(int hash) {
        return (int) (((hash & 0xFFFFFFFFL) * 11 & 0xFFFFFFFFL) % mod);
    }

    private void insert(String key) {
        int hash = strHash(key);
        int i = index(hash);
        int step = 0;
        while (hashes[i] != 0) {
            if (hashes[i] == hash && keys[i].equals(key)) {
                return;
            }
            step++;
            i = (i + step) & mask;
        }
        keys[i] = key;
        hashes[i] = hash;
        nnodes++;
        if (size <= nnodes + nnodes / 16) {
            resize();
        }
    }

    private void resize() {
        int oldSize = size;
        int target = (int) (nnodes * 1.333);
        int shift = 0;
        for (int n = target; n != 0; n >>= 1) {
            shift++;
        }
        setShift(Math.max(shift, MIN_SHIFT));
        if (size > oldSize) {
            keys = java.util.Arrays.copyOf(keys, size);
            hashes = java.util.Arrays.copyOf(hashes, size);
        }
        boolean[] placed = new boolean[Math.max(size, oldSize)];
        for (int i = 0; i < oldSize; i++) {
            if (hashes[i] == 0) {
                continue;
            }
            if (placed[i]) {
                continue;
            }
            String key = keys[i];
            int hash = hashes[i];
            hashes[i] = 0;
            keys[i] = null;
            while (true) {
                int j = index(hash);
                int step = 0;
                while (placed[j]) {
                    step++;
                    j = (j + step) & mask;
                }
                placed[j] = true;
                if (hashes[j] == 0) {
                    keys[j] = key;
                    hashes[j] = hash;
                    break;
                }
                String evictedKey = keys[j];
                int evictedHash = hashes[j];
                keys[j] = key;
                hashes[j] = hash;
                key = evictedKey;
                hash = evictedHash;
            }
        }
    }
}
