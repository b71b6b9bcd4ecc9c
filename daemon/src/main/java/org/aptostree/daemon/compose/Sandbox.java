package org.aptostree.daemon.compose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a shell script inside a staged tree with bubblewrap: a user namespace where the caller is root
 * (so no privilege is needed, and a compose run by root behaves the same), no network, its own PID, IPC
 * and UTS namespaces, a private {@code /proc}, {@code /dev} and {@code /run}, and {@code chown}/{@code chgrp}
 * replaced by the {@link OwnerChangeLog} recorder. Nothing of the host is visible but what is bound.
 *
 * <p>A seccomp filter turns the chown family of system calls into successful no-ops: in a user namespace
 * where only the caller's id is mapped, giving a file to another user fails with EINVAL, and programs such
 * as pwconv (which creates {@code /etc/shadow} for group shadow) would stop. The owners they meant are set by
 * the scripts' {@code chown} commands, which are recorded.
 */
final class Sandbox {
    /** The environment maintainer scripts get, as mmdebstrap sets it. */
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LC_ALL", "C.UTF-8",
            "DEBIAN_FRONTEND", "noninteractive",
            "DEBCONF_NONINTERACTIVE_SEEN", "true",
            "HOME", "/root",
            "TERM", "dumb");

    /** What a sandboxed script printed and how it ended. */
    record Result(int exitCode, String output) {
    }

    private final Path root;
    private final Path runDirectory;
    private final long sourceDateEpoch;
    private final Overlay overlay;

    /**
     * @param root           the staged tree, mounted read-write as {@code /}
     * @param runDirectory   a host directory for the recorder and its log, mounted at {@code /run/aptostree}
     * @param sourceDateEpoch passed to scripts as {@code SOURCE_DATE_EPOCH}, so what they write is reproducible
     */
    Sandbox(Path root, Path runDirectory, long sourceDateEpoch) throws IOException {
        this(root, runDirectory, sourceDateEpoch, null);
    }

    /**
     * A sandbox whose scripts see {@code root} through {@code overlay} (null: directly); their changes are merged
     * into {@code root} after each script.
     */
    Sandbox(Path root, Path runDirectory, long sourceDateEpoch, Overlay overlay) throws IOException {
        this.root = root;
        this.runDirectory = runDirectory;
        this.sourceDateEpoch = sourceDateEpoch;
        this.overlay = overlay;
        Files.createDirectories(runDirectory);
        Path recorder = runDirectory.resolve("chown");
        Files.writeString(recorder, OwnerChangeLog.RECORDER, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(recorder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(runDirectory.resolve("seccomp.bpf"), chownAsNoOp());
    }

    /**
     * A classic BPF seccomp program: on x86_64 and aarch64, the chown family of calls, and the calls that force
     * data to disk (fsync, fdatasync, sync, syncfs, sync_file_range: dpkg syncs every database update, and the
     * staging tree is scratch space whose result the commit syncs), return 0 without doing anything; every
     * other call is allowed.
     */
    static byte[] chownAsNoOp() {
        int[] x8664 = {92, 93, 94, 260, 74, 75, 162, 306, 277};
        int[] aarch64 = {54, 55, 82, 83, 81, 267, 84};
        ByteBuffer b = ByteBuffer.allocate((9 + x8664.length + aarch64.length) * 8)
                .order(ByteOrder.LITTLE_ENDIAN);
        int errnoZero = 3 + x8664.length + 4 + aarch64.length;   // index of the "return 0" instruction
        int allow = errnoZero + 1;
        // seccomp_data: int nr at offset 0, __u32 arch at offset 4. Jump offsets count from the next instruction.
        insn(b, LD_ABS, 0, 0, 4);
        insn(b, JEQ, 0, 1 + x8664.length + 1, 0xc000003e);                 // AUDIT_ARCH_X86_64, else the aarch64 test
        insn(b, LD_ABS, 0, 0, 0);
        for (int i = 0; i < x8664.length; i++) {
            int here = 3 + i;
            insn(b, JEQ, errnoZero - here - 1, 0, x8664[i]);
        }
        insn(b, RET, 0, 0, ALLOW);
        int aarchTest = 3 + x8664.length + 1;
        insn(b, JEQ, 0, allow - aarchTest - 1, 0xc00000b7);                 // AUDIT_ARCH_AARCH64, else allow
        insn(b, LD_ABS, 0, 0, 0);
        for (int i = 0; i < aarch64.length; i++) {
            int here = aarchTest + 2 + i;
            insn(b, JEQ, errnoZero - here - 1, 0, aarch64[i]);
        }
        insn(b, RET, 0, 0, ALLOW);
        insn(b, RET, 0, 0, RET_ERRNO_ZERO);
        insn(b, RET, 0, 0, ALLOW);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static final int LD_ABS = 0x20;
    private static final int JEQ = 0x15;
    private static final int RET = 0x06;
    private static final int ALLOW = 0x7fff0000;
    private static final int RET_ERRNO_ZERO = 0x00050000;

    private static void insn(ByteBuffer b, int code, int jt, int jf, int k) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }

    /** The host directory mounted at {@code /run/aptostree}. */
    Path runDirectory() {
        return runDirectory;
    }

    Path ownerChangeLog() {
        return runDirectory.resolve(Path.of(OwnerChangeLog.LOG).getFileName());
    }

    /** Runs {@code script} with {@code /bin/sh -e} in the tree. */
    Result run(String script, Map<String, String> extraEnvironment) throws IOException {
        // bwrap reads a seccomp program from a file descriptor, fd 9, which a shell opens: the one that mounts the
        // overlay, or one of its own.
        Path seccomp = runDirectory.resolve("seccomp.bpf");
        List<String> command = new ArrayList<>(List.of("bwrap", "--seccomp", "9",
                "--unshare-user", "--uid", "0", "--gid", "0",
                "--unshare-net", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--hostname", "localhost",
                "--bind", (overlay == null ? root : overlay.merged()).toString(), "/",
                "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/run",
                "--bind", runDirectory.toString(), "/run/aptostree"));
        for (String chown : List.of("/usr/bin/chown", "/usr/bin/chgrp")) {
            if (Files.exists(root.resolve(chown.substring(1)))) {
                command.addAll(List.of("--ro-bind", runDirectory.resolve("chown").toString(), chown));
            }
        }
        command.addAll(List.of("--chdir", "/", "/bin/sh", "-e", "-c", script));
        if (overlay != null) {
            command = overlay.wrap(command, seccomp);
        } else {
            command.addAll(0, List.of("/bin/sh", "-c", "exec \"$@\" 9<\"$0\"", seccomp.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(ENVIRONMENT);
        env.put("SOURCE_DATE_EPOCH", Long.toString(sourceDateEpoch));
        env.putAll(new LinkedHashMap<>(extraEnvironment));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run bubblewrap (bwrap), which runs maintainer scripts in a sandbox: " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(output);
        }
        int exitCode;
        try {
            exitCode = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (overlay != null) {
            if (exitCode == 125) {
                throw new IOException("cannot mount the overlay that protects the base's files from maintainer scripts: "
                        + output.toString(StandardCharsets.UTF_8).strip());
            }
            overlay.mergeIntoLower();
        }
        return new Result(exitCode, output.toString(StandardCharsets.UTF_8));
    }
}
