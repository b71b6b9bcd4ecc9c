package org.aptostree.cli.ostree;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import org.aptostree.ostree.gvariant.Variant;
import org.aptostree.ostree.gvariant.VariantDict;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.CommitModifier;
import org.aptostree.ostree.repo.Repository;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "commit", mixinStandardHelpOptions = true, description = "Commit a new revision.")
final class CommitCommand implements Callable<Integer> {
    @ParentCommand
    OstreeCommand repo;

    @Option(names = {"-b", "--branch"}, paramLabel = "BRANCH", description = "Branch")
    String branch;

    @Option(names = {"-s", "--subject"}, description = "One line subject")
    String subject = "";

    @Option(names = "--body", description = "Full description")
    String body = "";

    @Option(names = "--tree", paramLabel = "dir=PATH|tar=TARFILE", description = "Overlay the given argument as a tree")
    List<String> trees = new ArrayList<>();

    @Option(names = "--timestamp", description = "Override the timestamp of the commit (ISO 8601 or seconds since the epoch)")
    String timestamp;

    @Option(names = "--parent", description = "Parent commit checksum, or \"none\"")
    String parent;

    @Option(names = "--orphan", description = "Create a commit without writing a ref")
    boolean orphan;

    @Option(names = "--owner-uid", description = "Set file ownership user id")
    Integer ownerUid;

    @Option(names = "--owner-gid", description = "Set file ownership group id")
    Integer ownerGid;

    @Option(names = "--no-xattrs", description = "Do not import extended attributes")
    boolean noXattrs;

    @Option(names = "--no-bindings", description = "Do not add the ref binding to the commit metadata")
    boolean noBindings;

    @Option(names = "--bootable", description = "Add ostree.bootable and ostree.linux metadata from the tree's kernel")
    boolean bootable;

    @Option(names = "--add-metadata-string", paramLabel = "KEY=VALUE", description = "Add a key/value pair to metadata")
    List<String> metadataStrings = new ArrayList<>();

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "Directory to commit (instead of --tree)")
    Path path;

    @Override
    public Integer call() throws Exception {
        Repository r = repo.open();
        if (branch == null && !orphan) {
            throw new IllegalArgumentException("A branch must be specified with --branch, or use --orphan");
        }
        VariantDict meta = VariantDict.empty();
        for (String kv : metadataStrings) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Missing '=' in KEY=VALUE metadata '" + kv + "'");
            }
            meta = meta.with(kv.substring(0, eq), Variant.ofString(kv.substring(eq + 1)));
        }
        if (branch == null && !noBindings) {
            // ostree commit --orphan binds the commit to no ref at all: an empty ostree.ref-binding (libostree's API,
            // our CommitBuilder, writes none without a branch).
            meta = meta.with("ostree.ref-binding", Variant.of("as", List.of())).inGVariantDictOrder();
        }
        CommitBuilder builder = new CommitBuilder(r)
                .subject(subject)
                .body(body)
                .metadata(meta)
                .bindings(!noBindings)
                .bootable(bootable)
                .modifier(CommitModifier.NONE
                        .withOwner(ownerUid == null ? OptionalInt.empty() : OptionalInt.of(ownerUid),
                                ownerGid == null ? OptionalInt.empty() : OptionalInt.of(ownerGid))
                        .withSkipXattrs(noXattrs));
        if (branch != null) {
            builder.branch(branch);
        }
        if (timestamp != null) {
            builder.timestamp(parseTimestamp(timestamp));
        }
        if (parent != null) {
            builder.parent(parent.equals("none") ? Optional.empty() : Optional.of(r.resolveRev(parent)));
        }
        String tree = trees.isEmpty() ? (path != null ? "dir=" + path : "dir=.") : trees.get(0);
        if (trees.size() > 1) {
            throw new IllegalArgumentException("only one --tree is supported");
        }
        ObjectId id;
        if (tree.startsWith("dir=")) {
            id = builder.commitDirectory(Path.of(tree.substring(4)));
        } else if (tree.startsWith("tar=")) {
            String file = tree.substring(4);
            try (InputStream in = file.equals("-") ? System.in : new BufferedInputStream(Files.newInputStream(Path.of(file)))) {
                id = builder.commitTar(in);
            }
        } else {
            throw new IllegalArgumentException("Invalid --tree '" + tree + "': expected dir=PATH or tar=TARFILE");
        }
        System.out.println(id);
        return 0;
    }

    /** Seconds since the epoch, {@code @SECONDS} (as GNU date and ostree accept) or an ISO 8601 date. */
    static long parseTimestamp(String s) {
        if (s.startsWith("@") && s.length() > 1 && s.substring(1).chars().allMatch(Character::isDigit)) {
            return Long.parseLong(s.substring(1));
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(s);
        }
        try {
            return OffsetDateTime.parse(s).toEpochSecond();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s).getEpochSecond();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("Could not parse '" + s + "' as a timestamp");
            }
        }
    }
}
