package org.aptostree.ostree.pull;

import java.io.IOException;
import java.util.Optional;

import org.aptostree.ostree.OstreeFormatException;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.ContentObject;

/** Where a pull reads objects from: another repository on disk, or an archive repository over HTTP. */
public interface ObjectSource extends AutoCloseable {
    /** The raw {@code summary} file, if the source has one. */
    Optional<byte[]> summary() throws IOException;

    /** The raw {@code summary.sig} file, if the source has one. */
    Optional<byte[]> summarySignatures() throws IOException;

    /** The commit a ref points to, if the ref exists. */
    Optional<ObjectId> ref(String ref) throws IOException;

    /** The unverified bytes of a metadata object; fails if it does not exist. */
    byte[] metadata(ObjectId id, ObjectType type) throws IOException;

    /** The detached metadata bytes of a commit, if any. */
    Optional<byte[]> detachedMetadata(ObjectId commit) throws IOException;

    /** A content object's header and stream, unverified. */
    ContentObject content(ObjectId id) throws IOException, OstreeFormatException;

    /** How many objects to fetch at once. */
    int parallelism();

    @Override
    default void close() throws IOException {
    }
}
