package org.aptostree.daemon.system;

import java.util.Optional;
import java.util.regex.Pattern;

import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.daemon.transaction.TransactionException.Kind;

/**
 * A package asked for by name, as users write it: {@code name}, {@code name=version} or {@code name:arch} (or
 * {@code name:arch=version}), with Debian's rules for the name (lower case letters, digits, {@code + - .}, at least
 * two characters, starting with a letter or digit).
 */
public record PackageRequest(String name, Optional<String> architecture, Optional<String> version) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Pattern ARCH = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9.+~:-]+");

    /** Parses a request; a malformed one is an {@code InvalidArgument} that names it. */
    public static PackageRequest parse(String text) throws TransactionException {
        String rest = text.strip();
        Optional<String> version = Optional.empty();
        int eq = rest.indexOf('=');
        if (eq >= 0) {
            version = Optional.of(rest.substring(eq + 1));
            rest = rest.substring(0, eq);
        }
        Optional<String> arch = Optional.empty();
        int colon = rest.indexOf(':');
        if (colon >= 0) {
            arch = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
        }
        if (!NAME.matcher(rest).matches() || arch.isPresent() && !ARCH.matcher(arch.get()).matches()
                || version.isPresent() && !VERSION.matcher(version.get()).matches()) {
            throw new TransactionException(Kind.INVALID_ARGUMENT, "Invalid package name '" + text
                    + "': expected NAME, NAME=VERSION or NAME:ARCH (Debian package names are lower case)");
        }
        return new PackageRequest(rest, arch, version);
    }

    /** The name part of a request already known to be well formed. */
    public static String nameOf(String request) {
        int end = request.length();
        for (char c : new char[] {'=', ':'}) {
            int i = request.indexOf(c);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        return request.substring(0, end);
    }

    @Override
    public String toString() {
        return name + architecture.map(a -> ":" + a).orElse("") + version.map(v -> "=" + v).orElse("");
    }
}
