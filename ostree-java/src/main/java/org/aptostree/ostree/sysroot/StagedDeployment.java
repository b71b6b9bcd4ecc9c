package org.aptostree.ostree.sysroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.AtomicFile;

/**
 * A deployment checked out now and made bootable at shutdown ({@code ostree admin deploy --stage}): recorded as
 * libostree does in {@code /run/ostree/staged-deployment}, an {@code a{sv}} with {@code target} and
 * {@code merge-deployment} ({@code a{sv}} of name, osname, bootcsum), {@code kargs} ({@code as}) and {@code locked}.
 */
public record StagedDeployment(String osname, ObjectId commit, int deploySerial, String bootChecksum,
                               Optional<String> mergeName, List<String> kargs, boolean locked) {
    static final String FILE = "staged-deployment";

    /** Where staging state lives: {@code /run/ostree} for the booted system, {@code <sysroot>/run/ostree} otherwise. */
    public static Path runDir(Path sysroot) {
        return sysroot.toAbsolutePath().normalize().equals(Path.of("/")) ? Path.of("/run/ostree") : sysroot.resolve("run/ostree");
    }

    public String dirName() {
        return commit.hex() + "." + deploySerial;
    }

    byte[] encode() {
        VariantDict target = VariantDict.empty().with("name", Variant.ofString(dirName()))
                .with("osname", Variant.ofString(osname)).with("bootcsum", Variant.ofString(bootChecksum));
        VariantDict d = VariantDict.empty().with("target", Variant.of("a{sv}", target.toValue()));
        if (mergeName.isPresent()) {
            d = d.with("merge-deployment", Variant.of("a{sv}", VariantDict.empty().with("name", Variant.ofString(mergeName.get()))
                    .with("osname", Variant.ofString(osname)).toValue()));
        }
        return d.with("kargs", Variant.of("as", List.copyOf(kargs))).with("locked", Variant.ofBoolean(locked)).encode();
    }

    static Optional<StagedDeployment> read(Path runDir) throws IOException, OstreeFormatException {
        byte[] data;
        try {
            data = Files.readAllBytes(runDir.resolve(FILE));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        VariantDict d = VariantDict.decode(data);
        VariantDict target = VariantDict.fromValue(d.get("target")
                .orElseThrow(() -> new OstreeFormatException("staged deployment without a target")).value());
        String name = target.getString("name").orElseThrow(() -> new OstreeFormatException("staged deployment without a name"));
        int dot = name.indexOf('.');
        if (dot != 64 || !ObjectId.isValidHex(name.substring(0, dot))) {
            throw new OstreeFormatException("invalid staged deployment name '" + name + "'");
        }
        Optional<String> merge = d.get("merge-deployment").map(v -> VariantDict.fromValue(v.value())).flatMap(m -> m.getString("name"));
        List<String> kargs = new ArrayList<>();
        d.get("kargs").ifPresent(v -> ((List<?>) v.value()).forEach(o -> kargs.add((String) o)));
        boolean locked = d.get("locked").map(v -> (Boolean) v.value()).orElse(false);
        return Optional.of(new StagedDeployment(target.getString("osname").orElseThrow(), ObjectId.fromHex(name.substring(0, dot)),
                Integer.parseInt(name.substring(dot + 1)), target.getString("bootcsum").orElseThrow(), merge, kargs, locked));
    }

    void write(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        AtomicFile.write(runDir.resolve(FILE), encode());
    }
}
