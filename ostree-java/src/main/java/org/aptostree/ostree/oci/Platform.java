package org.aptostree.ostree.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.aptostree.ostree.OstreeFormatException;

/** The platform of an image: GOARCH-style architecture, OS and optional variant (for example arm/v7). */
public record Platform(String architecture, String os, String variant) {
    public static Platform linux(String architecture) {
        return new Platform(architecture, "linux", null);
    }

    /** The platform of the machine this runs on, in Go's names. */
    public static Platform host() {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> System.getProperty("os.arch");
        };
        return linux(arch);
    }

    /** The OCI platform of a Debian architecture name ({@code amd64}, {@code armhf}, {@code ppc64el}, ...). */
    public static Platform fromDebianArchitecture(String debArch) {
        return switch (debArch) {
            case "armhf" -> new Platform("arm", "linux", "v7");
            case "armel" -> new Platform("arm", "linux", "v5");
            case "i386" -> linux("386");
            case "ppc64el" -> linux("ppc64le");
            case "mips64el" -> linux("mips64le");
            case "mipsel" -> linux("mipsle");
            default -> linux(debArch);
        };
    }

    static Platform parse(JsonNode n, String what) throws OstreeFormatException {
        if (!n.isObject()) {
            throw new OstreeFormatException(what + ": platform is not an object");
        }
        return new Platform(OciJson.text(n, "architecture", what), OciJson.text(n, "os", what), OciJson.optionalText(n, "variant", what));
    }

    ObjectNode toJson() {
        ObjectNode o = OciJson.NODES.objectNode().put("architecture", architecture).put("os", os);
        if (variant != null) {
            o.put("variant", variant);
        }
        return o;
    }

    public boolean matches(Platform wanted) {
        return architecture.equals(wanted.architecture) && os.equals(wanted.os)
                && (wanted.variant == null || wanted.variant.equals(variant));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
