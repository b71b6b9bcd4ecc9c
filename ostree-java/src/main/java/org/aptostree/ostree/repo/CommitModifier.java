package org.aptostree.ostree.repo;

import java.util.List;
import java.util.OptionalInt;

import org.aptostree.ostree.object.DirMeta;
import org.aptostree.ostree.object.FileHeader;
import org.aptostree.ostree.object.FileMode;

/**
 * How file metadata is changed on its way into a commit, as libostree's {@code OstreeRepoCommitModifier}:
 * owner overrides ({@code --owner-uid}, {@code --owner-gid}), per-path owners (libostree's commit filter,
 * for trees whose owners are recorded elsewhere than on disk), dropping xattrs ({@code --no-xattrs}) and the
 * canonical permissions bare-user-only repositories force (uid and gid 0, mode masked to 0755).
 */
public record CommitModifier(OptionalInt ownerUid, OptionalInt ownerGid, OwnerFilter ownerFilter, boolean skipXattrs,
        boolean canonicalPermissions, boolean consume, CheckoutIndex checkoutIndex) {
    public static final CommitModifier NONE = new CommitModifier(OptionalInt.empty(), OptionalInt.empty(), null, false, false, false,
            null);

    /** The owner a path is committed with, given what was read ({@code path} is absolute in the tree, "/" for its root). */
    @FunctionalInterface
    public interface OwnerFilter {
        /** @return {uid, gid} */
        int[] owner(String path, int uid, int gid);
    }

    public CommitModifier withOwner(OptionalInt uid, OptionalInt gid) {
        return new CommitModifier(uid, gid, ownerFilter, skipXattrs, canonicalPermissions, consume, checkoutIndex);
    }

    public CommitModifier withOwnerFilter(OwnerFilter filter) {
        return new CommitModifier(ownerUid, ownerGid, filter, skipXattrs, canonicalPermissions, consume, checkoutIndex);
    }

    /**
     * Moves the committed directory's regular files into the object store instead of copying them (libostree's
     * {@code CONSUME} flag; bare-user repositories): the directory is left partly emptied.
     */
    public CommitModifier withConsume(boolean value) {
        return new CommitModifier(ownerUid, ownerGid, ownerFilter, skipXattrs, canonicalPermissions, value, checkoutIndex);
    }

    /**
     * The committed directory is a checkout that recorded itself in {@code index} ({@link Checkout#recordInto}), changed
     * since: the files still linked to objects keep those checksums and are not read (libostree's devino cache,
     * {@code --link-checkout-speedup}), and the directories still as checked out, with all below them, keep their
     * dirtree and dirmeta and are not read either. Only for trees that nothing changed in place (see {@link
     * CheckoutIndex}), and only with owner filters that keep the checkout's owners of paths not {@linkplain
     * CheckoutIndex#markChanged marked}.
     */
    public CommitModifier withCheckoutIndex(CheckoutIndex index) {
        return new CommitModifier(ownerUid, ownerGid, ownerFilter, skipXattrs, canonicalPermissions, consume, index);
    }

    public CommitModifier withSkipXattrs(boolean skip) {
        return new CommitModifier(ownerUid, ownerGid, ownerFilter, skip, canonicalPermissions, consume, checkoutIndex);
    }

    /** The modifier a repository of the given mode imposes on top of this one. */
    CommitModifier forMode(RepoMode mode) {
        return mode == RepoMode.BARE_USER_ONLY ? new CommitModifier(ownerUid, ownerGid, ownerFilter, true, true, consume, checkoutIndex) : this;
    }

    /** The {uid, gid} the owner filter gives {@code path} (absolute in the tree), before the rest of the modifier applies. */
    int[] filteredOwner(String path, int uid, int gid) {
        return ownerFilter == null ? new int[] {uid, gid} : ownerFilter.owner(path, uid, gid);
    }

    FileHeader apply(String path, FileHeader h) {
        if (ownerFilter == null) {
            return apply(h);
        }
        int[] owner = ownerFilter.owner(path, h.uid(), h.gid());
        return apply(h.withOwner(owner[0], owner[1]));
    }

    DirMeta apply(String path, DirMeta m) {
        if (ownerFilter == null) {
            return apply(m);
        }
        int[] owner = ownerFilter.owner(path, m.uid(), m.gid());
        return apply(new DirMeta(owner[0], owner[1], m.mode(), m.xattrs()));
    }

    FileHeader apply(FileHeader h) {
        if (canonicalPermissions) {
            int mode = h.isSymlink() ? h.mode() : (h.mode() & (FileMode.S_IFMT | 0755));
            return new FileHeader(0, 0, mode, h.symlinkTarget(), List.of());
        }
        FileHeader out = h.withOwner(ownerUid.orElse(h.uid()), ownerGid.orElse(h.gid()));
        return skipXattrs ? out.withXattrs(List.of()) : out;
    }

    DirMeta apply(DirMeta m) {
        if (canonicalPermissions) {
            return new DirMeta(0, 0, m.mode() & (FileMode.S_IFMT | 0755), List.of());
        }
        return new DirMeta(ownerUid.orElse(m.uid()), ownerGid.orElse(m.gid()), m.mode(), skipXattrs ? List.of() : m.xattrs());
    }
}
