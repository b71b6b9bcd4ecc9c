package org.aptostree.deb.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import org.aptostree.openpgp.SignaturePolicy;

/**
 * What {@link ReleaseVerifier} requires of a Release, with apt's defaults; the signatures' own rules are the
 * project's one {@link SignaturePolicy}.
 *
 * @param now               the reference time ("now" for expiry checks); a fixed instant makes checks reproducible
 * @param checkValidUntil   refuse a Release past its Valid-Until (apt's {@code Check-Valid-Until}, default yes)
 * @param checkDate         refuse a Release without Date or with a Date more than {@code maxFuture} ahead
 *                          (apt's {@code Check-Date}, default yes)
 * @param maxFuture         tolerated clock skew for Date and signature times (apt's {@code Acquire::Max-FutureTime},
 *                          default 10 s)
 * @param notOlderThan      the Date of the Release already trusted, or null; an older one is refused
 *                          (apt refuses a Release older than the cached one)
 * @param signedBy          when non-empty, only signatures by keys with these upper-case hex fingerprints
 *                          (primary or subkey) count as good, like a Signed-By fingerprint list
 */
public record VerificationPolicy(Instant now, boolean checkValidUntil, boolean checkDate, Duration maxFuture,
                                 Instant notOlderThan, Set<String> signedBy) {

    /** Null checks and an immutable fingerprint set. */
    public VerificationPolicy {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(maxFuture, "maxFuture");
        signedBy = Set.copyOf(signedBy);
    }

    /** apt's defaults at the current time. */
    public static VerificationPolicy defaults() {
        return at(Instant.now());
    }

    /** apt's defaults at a given reference time. */
    public static VerificationPolicy at(Instant now) {
        return new VerificationPolicy(now, true, true, Duration.ofSeconds(10), null, Set.of());
    }

    /** The same policy without the Valid-Until check (apt's {@code Check-Valid-Until=false}). */
    public VerificationPolicy withoutValidUntil() {
        return new VerificationPolicy(now, false, checkDate, maxFuture, notOlderThan, signedBy);
    }

    /** The same policy refusing Releases dated before {@code previous}. */
    public VerificationPolicy notOlderThan(Instant previous) {
        return new VerificationPolicy(now, checkValidUntil, checkDate, maxFuture, previous, signedBy);
    }

    /** The rules for the Release's signatures: this reference time, clock skew and Signed-By list. */
    public SignaturePolicy signaturePolicy() {
        return new SignaturePolicy(now, maxFuture, signedBy);
    }

    /** The same policy accepting only the given signer fingerprints. */
    public VerificationPolicy signedBy(Set<String> fingerprints) {
        return new VerificationPolicy(now, checkValidUntil, checkDate, maxFuture, notOlderThan, fingerprints);
    }
}
