package org.aptostree.ostree.repo;

/** How a repository stores content objects, with the names libostree writes in {@code core.mode}. */
public enum RepoMode {
    /** Files as themselves, with real owners and xattrs: needs root to write root-owned content. */
    BARE("bare"),
    /** Files as themselves owned by the user; owner, mode and xattrs in the {@code user.ostreemeta} xattr. */
    BARE_USER("bare-user"),
    /** Files as themselves; owners and xattrs are not stored. */
    BARE_USER_ONLY("bare-user-only"),
    /** Content compressed in {@code .filez} objects, for serving over HTTP. */
    ARCHIVE("archive-z2");

    private final String configName;

    RepoMode(String configName) {
        this.configName = configName;
    }

    /** The value written to {@code core.mode}. */
    public String configName() {
        return configName;
    }

    /** Parses a mode as {@code ostree init --mode} and {@code core.mode} accept it. */
    public static RepoMode parse(String name) {
        switch (name) {
            case "bare": return BARE;
            case "bare-user": return BARE_USER;
            case "bare-user-only": return BARE_USER_ONLY;
            case "archive": case "archive-z2": return ARCHIVE;
            default: throw new IllegalArgumentException("Invalid mode '" + name + "' in repository configuration");
        }
    }

    /** Extension of a loose content object file in this mode. */
    String contentExtension() {
        return this == ARCHIVE ? "filez" : "file";
    }
}
