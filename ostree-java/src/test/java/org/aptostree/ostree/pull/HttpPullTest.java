package org.aptostree.ostree.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.aptostree.fixtures.http.Nginx;
import org.aptostree.fixtures.tree.FileTrees;
import org.aptostree.openpgp.CraftedKey;
import org.aptostree.openpgp.Keyring;
import org.aptostree.openpgp.RealVerifiers;
import org.aptostree.ostree.object.ObjectId;
import org.aptostree.ostree.object.ObjectType;
import org.aptostree.ostree.repo.Checkout;
import org.aptostree.ostree.repo.CommitBuilder;
import org.aptostree.ostree.repo.Fsck;
import org.aptostree.ostree.repo.RealOstree;
import org.aptostree.ostree.repo.RepoMode;
import org.aptostree.ostree.repo.Repository;
import org.aptostree.ostree.repo.Summary;
import org.aptostree.ostree.repo.Trees;
import org.aptostree.ostree.sign.CommitSignatures;
import org.aptostree.ostree.sign.GpgSigner;
import org.aptostree.testkit.Requirements;
import org.bouncycastle.openpgp.PGPSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pulls over HTTP from a real nginx: we pull, with GPG verification, what the real ostree wrote and signed;
 * the real ostree pulls, with GPG verification, what we wrote and signed; bad signatures and corrupt objects
 * are refused without leaving a ref or a partial object behind; commits signed by each crafted certificate are
 * pulled or refused by the one OpenPGP policy, as gpgv and sqv judge the same commit and signature.
 */
class HttpPullTest {
    private static Path dir;
    private static TestGpg trusted;
    private static TestGpg stranger;
    private static Path served;
    private static Nginx nginx;
    private static ObjectId ostreeCommit;
    private static final Map<CraftedKey.Case, ObjectId> CRAFTED = new EnumMap<>(CraftedKey.Case.class);

    @BeforeEach
    void setUp() throws Exception {
        Requirements.tools("ostree", "nginx", "gpg");
        if (nginx != null) {
            return;
        }
        dir = Files.createTempDirectory("pull");
        trusted = TestGpg.create(dir, "trusted@example.org");
        stranger = TestGpg.create(dir, "stranger@example.org");
        served = dir.resolve("www");
        Files.createDirectories(served);
        FileTrees.sample(42, false).write(dir.resolve("tree"));

        Path upstream = served.resolve("upstream");
        RealOstree.run("init", "--repo=" + upstream, "--mode=archive");
        ostreeCommit = ObjectId.fromHex(RealOstree.run("commit", "--repo=" + upstream, "-b", "os/stable", "-s", "upstream",
                "--tree=dir=" + dir.resolve("tree")).strip());
        RealOstree.run("gpg-sign", "--repo=" + upstream, "--gpg-homedir=" + trusted.home(), ostreeCommit.hex(), trusted.fingerprint());
        RealOstree.run("summary", "--repo=" + upstream, "-u");

        // One branch per crafted certificate, its commit signed by that certificate's signing key.
        Repository crafted = Repository.init(served.resolve("crafted"), RepoMode.ARCHIVE);
        for (CraftedKey.Case which : CraftedKey.Case.values()) {
            ObjectId commit = new CommitBuilder(crafted).branch("crafted/" + which).subject(which.name()).commitDirectory(dir.resolve("tree"));
            byte[] commitBytes = crafted.readMetadataBytes(commit, ObjectType.COMMIT);
            CommitSignatures.append(crafted, commit, CraftedKey.of(which).sign(commitBytes, PGPSignature.BINARY_DOCUMENT));
            CRAFTED.put(which, commit);
        }
        Summary.generate(crafted, 0).write(crafted, List.of());
        nginx = Nginx.serve(served, dir.resolve("nginx"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (dir != null) {
            Trees.deleteTree(dir);
        }
    }

    private static Repository newRepo(String name) throws Exception {
        return Repository.init(dir.resolve(name), RepoMode.BARE_USER);
    }

    @Test
    void pullsSignedCommitWrittenByOstree() throws Exception {
        Repository repo = newRepo("client-ok");
        repo.addRemote("origin", nginx.url("upstream").toString(), Map.of("gpgkeypath", trusted.publicKey().toString()));
        Map<String, ObjectId> got;
        try (HttpSource source = new HttpSource(repo.remote("origin").orElseThrow().url())) {
            got = new Puller(repo, source).verifyWith(Keyring.load(repo.remote("origin").orElseThrow().keyringFiles(repo)))
                    .pull(List.of("os/stable"), ref -> "origin:" + ref);
        }
        assertEquals(ostreeCommit, got.get("os/stable"));
        assertEquals(ostreeCommit, repo.refs().resolve("origin:os/stable").orElseThrow());
        assertTrue(new Fsck(repo).run(false).ok());
        Path co = dir.resolve("co-client-ok");
        new Checkout(repo).userMode(true).checkout(ostreeCommit, co);
        assertEquals(Trees.listing(dir.resolve("tree"), false), Trees.listing(co, false));
        assertFalse(Files.exists(repo.path().resolve("state").resolve(ostreeCommit.hex() + ".commitpartial")));
    }

    @Test
    void refusesCommitSignedByUntrustedKey() throws Exception {
        Repository repo = newRepo("client-untrusted");
        IOException e;
        try (HttpSource source = new HttpSource(nginx.url("upstream"))) {
            e = assertThrows(IOException.class, () -> new Puller(repo, source)
                    .verifyWith(Keyring.load(stranger.publicKey()))
                    .pull(List.of("os/stable"), ref -> "origin:" + ref));
        }
        assertTrue(e.getMessage().contains("but none is good") && e.getMessage().contains("no public key"), e.getMessage());
        assertTrue(repo.refs().listAll().isEmpty());
        assertFalse(repo.has(ostreeCommit, ObjectType.COMMIT));
    }

    @ParameterizedTest
    @EnumSource(CraftedKey.Case.class)
    void gpgVerifiedPullFollowsTheOnePolicy(CraftedKey.Case which) throws Exception {
        RealVerifiers.requireInstalled();
        CraftedKey key = CraftedKey.of(which);
        ObjectId commit = CRAFTED.get(which);
        Path keyring = Files.write(dir.resolve(which + ".gpg"), key.publicKeyring());
        Repository repo = newRepo("client-" + which);
        repo.addRemote("origin", nginx.url("crafted").toString(), Map.of("gpg-verify", "true", "gpgkeypath", keyring.toString()));
        String ref = "crafted/" + which;
        try (HttpSource source = new HttpSource(repo.remote("origin").orElseThrow().url())) {
            Puller puller = new Puller(repo, source).verifyWith(Keyring.load(repo.remote("origin").orElseThrow().keyringFiles(repo)));
            if (which.good()) {
                assertEquals(commit, puller.pull(List.of(ref), r -> "origin:" + r).get(ref));
            } else {
                IOException e = assertThrows(IOException.class, () -> puller.pull(List.of(ref), r -> "origin:" + r));
                assertTrue(e.getMessage().contains(key.signingFingerprint()) && e.getMessage().contains(which.reason()), e.getMessage());
                assertTrue(repo.refs().listAll().isEmpty());
                assertFalse(repo.has(commit, ObjectType.COMMIT));
            }
        }

        // gpgv and sqv on the same commit object and signature.
        Repository upstream = Repository.open(served.resolve("crafted"));
        Path data = Files.write(dir.resolve(which + ".commit"), upstream.readMetadataBytes(commit, ObjectType.COMMIT));
        Path sig = Files.write(dir.resolve(which + ".sig"), CommitSignatures.read(upstream, commit).get(0));
        RealVerifiers.Verdict gpgv = RealVerifiers.gpgv(keyring, sig, data);
        RealVerifiers.Verdict sqv = RealVerifiers.sqv(keyring, sig, data);
        assertEquals(which.good(), sqv.accepted(), "sqv: " + sqv.output());
        // gpgv before GnuPG 2.4.5 has no --assert-pubkey-algo, so as apt runs it there it takes a 1024-bit RSA key.
        if (which != CraftedKey.Case.RSA_1024 || RealVerifiers.gpgvAssertsPubkeyAlgo()) {
            assertEquals(which.good(), gpgv.accepted(), "gpgv: " + gpgv.output());
        }
    }

    @Test
    void corruptObjectFailsCleanly() throws Exception {
        Path copy = served.resolve("corrupt");
        copyTree(served.resolve("upstream"), copy);
        Path victim;
        try (Stream<Path> files = Files.walk(copy.resolve("objects"))) {
            victim = files.filter(p -> p.toString().endsWith(".filez"))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        byte[] good = Files.readAllBytes(victim);
        byte[] b = good.clone();
        // Past the header, inside the deflate stream (its last bits may be padding).
        b[b.length / 2 + 40] ^= 0x01;
        Files.write(victim, b);

        Repository repo = newRepo("client-corrupt");
        try (HttpSource source = new HttpSource(nginx.url("corrupt"))) {
            assertThrows(IOException.class, () -> new Puller(repo, source).pull(List.of("os/stable"), ref -> "origin:" + ref));
        }
        assertTrue(repo.refs().listAll().isEmpty(), "no ref after a failed pull");
        try (Stream<Path> tmp = Files.list(repo.path().resolve("tmp"))) {
            assertEquals(List.of(), tmp.filter(p -> p.getFileName().toString().startsWith("tmpobject")).toList());
        }
        String name = victim.getParent().getFileName() + victim.getFileName().toString().replace(".filez", "");
        assertFalse(repo.has(ObjectId.fromHex(name), ObjectType.FILE), "the corrupt object was not stored");
        assertTrue(new Fsck(repo).run(false).ok(), "the incomplete commit is marked partial, so fsck passes");

        // Once the server is fixed, pulling again resumes: what was fetched is kept, the rest arrives.
        Files.write(victim, good);
        int[] fetched = {0};
        try (HttpSource source = new HttpSource(nginx.url("corrupt"))) {
            new Puller(repo, source).progress((n, needed, bytes) -> fetched[0] = n).pull(List.of("os/stable"), ref -> "origin:" + ref);
        }
        assertEquals(ostreeCommit, repo.refs().resolve("origin:os/stable").orElseThrow());
        assertTrue(new Fsck(repo).run(false).ok());
        long total = Files.walk(repo.path().resolve("objects")).filter(Files::isRegularFile).count();
        assertTrue(fetched[0] < total, "resumed pull fetched " + fetched[0] + " of " + total + " objects");
    }

    @Test
    void ostreePullsOurSignedRepository() throws Exception {
        Repository ours = Repository.init(served.resolve("ours"), RepoMode.ARCHIVE);
        ObjectId commit = new CommitBuilder(ours).branch("ours/main").subject("from java").commitDirectory(dir.resolve("tree"));
        CommitSignatures.sign(ours, commit, GpgSigner.load(trusted.secretKey(), trusted.fingerprint(), new char[0]));
        Summary.generate(ours, 0).write(ours, List.of());

        Path client = dir.resolve("ostree-client");
        RealOstree.run("init", "--repo=" + client, "--mode=archive");
        RealOstree.run("remote", "add", "--repo=" + client, "--set=gpgkeypath=" + trusted.publicKey(), "java", nginx.url("ours").toString());
        RealOstree.run("pull", "--repo=" + client, "java", "ours/main");
        assertEquals(commit.hex(), RealOstree.run("rev-parse", "--repo=" + client, "java:ours/main").strip());
        RealOstree.run("fsck", "--repo=" + client);

        // And the real ostree refuses it when it trusts only another key.
        Path strict = dir.resolve("ostree-strict");
        RealOstree.run("init", "--repo=" + strict, "--mode=archive");
        RealOstree.run("remote", "add", "--repo=" + strict, "--set=gpgkeypath=" + stranger.publicKey(), "java", nginx.url("ours").toString());
        assertThrows(IOException.class, () -> RealOstree.run("pull", "--repo=" + strict, "java", "ours/main"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
