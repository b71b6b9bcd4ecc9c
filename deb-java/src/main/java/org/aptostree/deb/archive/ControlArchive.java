package org.aptostree.deb.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.aptostree.deb.DebFormatException;
import org.aptostree.deb.control.Deb822Reader;
import org.aptostree.deb.control.Paragraph;

/**
 * The control.tar member of a .deb, held in memory (it is small, and capped by {@link DebReader}):
 * its entries in order and the contents of its regular files by name without the leading
 * {@code ./} ({@code control}, {@code md5sums}, {@code conffiles}, {@code postinst}, ...).
 */
public final class ControlArchive {
    private final List<TarEntry> entries;
    private final Map<String, byte[]> files;

    ControlArchive(List<TarEntry> entries, Map<String, byte[]> files) {
        this.entries = List.copyOf(entries);
        this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** The tar entries in archive order. */
    public List<TarEntry> entries() {
        return entries;
    }

    /** Names of the regular files, in archive order (e.g. {@code control}, {@code md5sums}). */
    public List<String> fileNames() {
        return new ArrayList<>(files.keySet());
    }

    /** A copy of a file's bytes, if present. */
    public Optional<byte[]> file(String name) {
        byte[] b = files.get(name);
        return b == null ? Optional.empty() : Optional.of(b.clone());
    }

    /** The raw bytes of the control file. */
    public byte[] controlBytes() throws DebFormatException {
        byte[] b = files.get("control");
        if (b == null) {
            throw new DebFormatException("control archive has no 'control' file");
        }
        return b.clone();
    }

    /** The parsed control file (exactly one stanza). */
    public Paragraph control() throws DebFormatException {
        return Deb822Reader.parseOne(controlBytes());
    }

    /** A text file decoded as UTF-8, if present. */
    public Optional<String> text(String name) {
        byte[] b = files.get(name);
        return b == null ? Optional.empty() : Optional.of(new String(b, StandardCharsets.UTF_8));
    }
}
