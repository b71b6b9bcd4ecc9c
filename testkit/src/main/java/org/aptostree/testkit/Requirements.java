package org.aptostree.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * What a test needs from the machine: a tool, root, or some other condition. When it is missing, the test is
 * skipped (a JUnit assumption failure, reported as a skip), except with {@code CI=true}, where nothing may be skipped:
 * there the test fails and names what is missing.
 *
 * <p>Call these from a test method or a {@code @BeforeEach} method (jqwik: a property or {@code @BeforeProperty},
 * see {@link RequirementsHook}), never from {@code @BeforeAll} or a {@code @MethodSource}: an assumption failing
 * there drops the tests from the report. Tests made from data use {@link #dynamicTests}.
 */
public final class Requirements {
    /** Directories searched after PATH: a non-root PATH often lacks the sbin ones (nginx, chroot). */
    private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");
    private static final Map<String, Optional<Path>> TOOLS = new ConcurrentHashMap<>();

    private Requirements() {
    }

    /** Whether this is a CI run ({@code CI=true}), where a missing requirement fails the test. */
    public static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    /** The program {@code name} found on PATH (or in an sbin directory). */
    public static Path tool(String name) {
        Optional<Path> found = TOOLS.computeIfAbsent(name, Requirements::find);
        return found.orElseGet(() -> missing("the tool '" + name + "' (not on PATH: " + System.getenv("PATH") + ")"));
    }

    /** Each of the programs. */
    public static void tools(String... names) {
        for (String name : names) {
            tool(name);
        }
    }

    /** The test runs as root. */
    public static void root() {
        int uid;
        try {
            // /proc/self belongs to the process's effective user.
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        that(uid == 0, "root (it runs as uid " + uid + ")");
    }

    /** A condition of the machine; {@code what} names what it needs, for the skip or failure message. */
    public static void that(boolean met, String what) {
        if (!met) {
            missing(what);
        }
    }

    /**
     * For a {@code @TestFactory}: one test per case, named by {@code name}. When {@code cases} cannot be had (it
     * needs what is missing), one test that reports that, so the tests neither vanish nor pass.
     */
    public static <T> Stream<DynamicTest> dynamicTests(Supplier<List<T>> cases, Function<T, String> name,
                                                       ThrowingConsumer<T> test) {
        List<T> list;
        try {
            list = cases.get();
        } catch (TestAbortedException | AssertionFailedError missing) {
            return Stream.of(DynamicTest.dynamicTest("requirements", () -> {
                throw missing;
            }));
        }
        return list.stream().map(c -> DynamicTest.dynamicTest(name.apply(c), () -> test.accept(c)));
    }

    /** Throws: a failure under CI, a skip otherwise. Declared to return so that callers can {@code return} it. */
    static <T> T missing(String what) {
        return missing(what, ci());
    }

    static <T> T missing(String what, boolean ci) {
        if (ci) {
            throw new AssertionFailedError("CI=true, so not skipped: this test needs " + what);
        }
        TestAbortedException skip = new TestAbortedException("skipped: this test needs " + what);
        if (RequirementsHook.inProperty()) {
            throw new RequirementsHook.Skip(skip);
        }
        throw skip;
    }

    private static Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")));
        dirs.addAll(SBIN);
        for (String dir : dirs) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
