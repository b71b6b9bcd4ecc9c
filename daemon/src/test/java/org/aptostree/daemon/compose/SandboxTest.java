package org.aptostree.daemon.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.aptostree.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {

    private static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    private static final int AUDIT_ARCH_AARCH64 = 0xc00000b7;
    private static final int AUDIT_ARCH_I386 = 0x40000003;
    private static final int AUDIT_ARCH_RISCV64 = 0xc00000f3;
    private static final int SECCOMP_RET_ALLOW = 0x7fff0000;
    private static final int SECCOMP_RET_ERRNO_0 = 0x00050000;

    /** From the kernel's syscall tables (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h). */
    private static final Set<Integer> X86_64_NO_OPS = Set.of(
            92 /* chown */, 93 /* fchown */, 94 /* lchown */, 260 /* fchownat */,
            74 /* fsync */, 75 /* fdatasync */, 162 /* sync */, 306 /* syncfs */, 277 /* sync_file_range */);
    private static final Set<Integer> AARCH64_NO_OPS = Set.of(
            54 /* fchownat */, 55 /* fchown */,
            82 /* fsync */, 83 /* fdatasync */, 81 /* sync */, 267 /* syncfs */, 84 /* sync_file_range */);

    private record Insn(int code, int jt, int jf, int k) {
    }

    private static List<Insn> decode(byte[] program) {
        assertEquals(0, program.length % 8, "struct sock_filter is 8 bytes");
        // Both target architectures are little-endian, and the kernel reads the program in native order.
        ByteBuffer b = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        List<Insn> out = new java.util.ArrayList<>();
        while (b.hasRemaining()) {
            out.add(new Insn(b.getShort() & 0xffff, b.get() & 0xff, b.get() & 0xff, b.getInt()));
        }
        return out;
    }

    /** A classic-BPF interpreter for the three instructions a seccomp filter of this shape needs. */
    private static int interpret(List<Insn> program, int nr, int arch) {
        // struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; }
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putInt(nr).putInt(arch);
        int acc = 0;
        int pc = 0;
        while (true) {
            if (pc < 0 || pc >= program.size()) {
                fail("pc " + pc + " outside the program");
            }
            Insn i = program.get(pc);
            switch (i.code()) {
                case 0x20 -> { // BPF_LD | BPF_W | BPF_ABS
                    assertTrue(i.k() >= 0 && i.k() + 4 <= 64 && i.k() % 4 == 0, "load offset " + i.k());
                    acc = data.getInt(i.k());
                    pc++;
                }
                case 0x15 -> pc += 1 + (acc == i.k() ? i.jt() : i.jf()); // BPF_JMP | BPF_JEQ | BPF_K
                case 0x06 -> { // BPF_RET | BPF_K
                    return i.k();
                }
                default -> fail("unexpected opcode 0x" + Integer.toHexString(i.code()) + " at " + pc);
            }
        }
    }

    @Test
    void programIsWellFormed() {
        List<Insn> program = decode(Sandbox.chownAsNoOp());
        assertTrue(program.size() <= 4096, "BPF_MAXINSNS");
        assertEquals(0x06, program.get(program.size() - 1).code(), "ends with a return");
        for (int pc = 0; pc < program.size(); pc++) {
            Insn i = program.get(pc);
            if (i.code() == 0x15) {
                assertTrue(pc + 1 + i.jt() < program.size() && pc + 1 + i.jf() < program.size(), "jump in range at " + pc);
            }
        }
        // The program is a constant: built twice, the same bytes.
        assertArrayEquals(Sandbox.chownAsNoOp(), Sandbox.chownAsNoOp());
    }

    @Test
    void chownAndSyncFamiliesReturnZeroOnX8664() {
        assertSyscalls(AUDIT_ARCH_X86_64, X86_64_NO_OPS);
    }

    @Test
    void chownAndSyncFamiliesReturnZeroOnAarch64() {
        assertSyscalls(AUDIT_ARCH_AARCH64, AARCH64_NO_OPS);
    }

    @Test
    void everythingIsAllowedOnOtherArchitectures() {
        for (int arch : new int[] {AUDIT_ARCH_I386, AUDIT_ARCH_RISCV64, 0, -1}) {
            assertSyscalls(arch, Set.of());
        }
    }

    private static void assertSyscalls(int arch, Set<Integer> noOps) {
        List<Insn> program = decode(Sandbox.chownAsNoOp());
        Set<Integer> numbers = new LinkedHashSet<>();
        for (int nr = -1; nr < 1024; nr++) {
            numbers.add(nr);
        }
        numbers.addAll(List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0x40000000 | 92, 0x40000000 | 260));
        for (int nr : numbers) {
            int expected = noOps.contains(nr) ? SECCOMP_RET_ERRNO_0 : SECCOMP_RET_ALLOW;
            assertEquals(expected, interpret(program, nr, arch),
                    "arch 0x" + Integer.toHexString(arch) + " syscall " + nr);
        }
    }

    /**
     * The real thing: bubblewrap with the filter over a tree holding the host's dash, chown and sync and their
     * libraries. {@code chown} is the recorder (the tree has /usr/bin/chown); {@code chown-real} is coreutils', whose
     * fchownat to an unmapped id would fail with EINVAL without the filter; {@code sync} would sync.
     */
    @Test
    void chownAndSyncAreNoOpsInARealSandbox(@TempDir Path dir) throws Exception {
        String arch = System.getProperty("os.arch");
        Requirements.that(arch.equals("amd64") || arch.equals("aarch64"), "x86_64 or aarch64 (the filter knows only those)");
        Requirements.tools("bwrap", "ldd");
        Path sh = Path.of("/bin/sh").toRealPath();
        Path chown = Path.of("/usr/bin/chown");
        Path sync = Path.of("/usr/bin/sync");
        Requirements.that(Files.isExecutable(chown) && Files.isExecutable(sync), "coreutils' /usr/bin/chown and /usr/bin/sync");

        Path root = Files.createDirectories(dir.resolve("root"));
        copyWithLibraries(sh, root, "bin/sh");
        copyWithLibraries(chown, root, "usr/bin/chown");
        copyWithLibraries(chown, root, "usr/bin/chown-real");
        copyWithLibraries(sync, root, "usr/bin/sync");
        Path f = root.resolve("f");
        Files.writeString(f, "x");
        Object ownerBefore = Files.getAttribute(f, "unix:uid");

        Sandbox sandbox = new Sandbox(root, dir.resolve("run"), 0);
        Sandbox.Result r = sandbox.run("chown 42:42 f && chown-real 42:43 f && sync && echo ok", Map.of());
        Requirements.that(!r.output().contains("No permissions to create new namespace")
                && !r.output().contains("setting up uid map"), "user namespaces (bwrap: " + r.output().strip() + ")");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("ok"), r.output());
        // The real fchownat did nothing; the recorded chown gives the owner.
        assertEquals(ownerBefore, Files.getAttribute(f, "unix:uid"));
        OwnershipTable table = new OwnershipTable();
        OwnerChangeLog.apply(sandbox.ownerChangeLog(), root, table);
        assertArrayEquals(new int[] {42, 42}, table.owner("/f"));
    }

    /** Copies a dynamically linked program and the libraries ldd names to the same paths in {@code root}. */
    private static void copyWithLibraries(Path program, Path root, String as) throws IOException, InterruptedException {
        copy(program, root.resolve(as));
        Process ldd = new ProcessBuilder("ldd", program.toString()).redirectErrorStream(true).start();
        String out = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ldd.waitFor();
        Matcher m = Pattern.compile("(/\\S+)").matcher(out);
        while (m.find()) {
            Path lib = Path.of(m.group(1));
            if (Files.isRegularFile(lib)) {
                copy(lib, root.resolve(lib.toString().substring(1)));
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(from, to);
            Files.setAttribute(to, "unix:mode", 0755);
        }
    }
}
