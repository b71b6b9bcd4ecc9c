package org.aptostree.ostree.sysroot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A kernel command line as libostree edits it: ordered {@code key[=value]} arguments, where replacing a key
 * replaces all its values and appending keeps earlier ones.
 */
public record KernelArgs(List<String> args) {
    public KernelArgs {
        args = List.copyOf(args);
    }

    public static KernelArgs parse(String cmdline) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : cmdline.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                cur.append(c);
            } else if (Character.isWhitespace(c) && !quoted) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return new KernelArgs(out);
    }

    static String key(String arg) {
        int eq = arg.indexOf('=');
        return eq < 0 ? arg : arg.substring(0, eq);
    }

    /** {@code --karg}: replaces every argument with the same key, in place of the first one. */
    public KernelArgs replace(String arg) {
        List<String> out = new ArrayList<>();
        boolean placed = false;
        for (String a : args) {
            if (key(a).equals(key(arg))) {
                if (!placed) {
                    out.add(arg);
                    placed = true;
                }
            } else {
                out.add(a);
            }
        }
        if (!placed) {
            out.add(arg);
        }
        return new KernelArgs(out);
    }

    /** {@code --karg-append}: adds the argument even if the key is present. */
    public KernelArgs append(String arg) {
        List<String> out = new ArrayList<>(args);
        out.add(arg);
        return new KernelArgs(out);
    }

    /** {@code --append-if-missing}: appends unless an argument with the same key is there (libostree looks at keys only). */
    public KernelArgs appendIfMissing(String arg) {
        return value(key(arg)).isPresent() ? this : append(arg);
    }

    /** {@code --karg-delete}: removes {@code key=value} exactly, or every value of a bare {@code key}. */
    public KernelArgs delete(String arg) {
        List<String> out = new ArrayList<>(args);
        boolean removed = arg.contains("=") ? out.remove(arg) : out.removeIf(a -> key(a).equals(arg));
        if (!removed) {
            throw new IllegalArgumentException("No karg '" + arg + "' was found");
        }
        return new KernelArgs(out);
    }

    public Optional<String> value(String key) {
        return args.stream().filter(a -> key(a).equals(key)).findFirst()
                .map(a -> a.contains("=") ? a.substring(a.indexOf('=') + 1) : "");
    }

    public KernelArgs without(String key) {
        List<String> out = new ArrayList<>(args);
        out.removeIf(a -> key(a).equals(key));
        return new KernelArgs(out);
    }

    @Override
    public String toString() {
        return String.join(" ", args);
    }
}
