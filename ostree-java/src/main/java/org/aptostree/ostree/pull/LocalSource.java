package org.aptostree.ostree.pull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.ContentObject;
import org.aptostree.ostree.repo.Repository;

/** Another repository on this machine, in any mode ({@code ostree pull-local}). */
public final class LocalSource implements ObjectSource {
    private final Repository repo;

    public LocalSource(Repository repo) {
        this.repo = repo;
    }

    @Override
    public Optional<byte[]> summary() throws IOException {
        return readOptional("summary");
    }

    @Override
    public Optional<byte[]> summarySignatures() throws IOException {
        return readOptional("summary.sig");
    }

    private Optional<byte[]> readOptional(String name) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(repo.path().resolve(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<ObjectId> ref(String ref) throws IOException {
        return repo.refs().resolve(ref);
    }

    @Override
    public byte[] metadata(ObjectId id, ObjectType type) throws IOException {
        return repo.readMetadataBytes(id, type);
    }

    @Override
    public Optional<byte[]> detachedMetadata(ObjectId commit) throws IOException {
        if (!repo.has(commit, ObjectType.COMMIT_META)) {
            return Optional.empty();
        }
        return Optional.of(repo.readMetadataBytes(commit, ObjectType.COMMIT_META));
    }

    @Override
    public ContentObject content(ObjectId id) throws IOException, OstreeFormatException {
        return repo.openContent(id);
    }

    @Override
    public int parallelism() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
