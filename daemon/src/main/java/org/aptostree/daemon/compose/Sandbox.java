package org.aptostree.daemon.compose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

    /**
     * @param root           the staged tree, mounted read-write as {@code /}
     * @param runDirectory   a host directory for the recorder and its log, mounted at {@code /run/aptostree}
     * @param sourceDateEpoch passed to scripts as {@code SOURCE_DATE_EPOCH}, so what they write is reproducible
     */
    Sandbox(Path root, Path runDirectory, long sourceDateEpoch) throws IOException {
        this.root = root;
        this.runDirectory = runDirectory;
        this.sourceDateEpoch = sourceDateEpoch;
        Files.createDirectories(runDirectory);
        Path recorder = runDirectory.resolve("chown");
        Files.writeString(recorder, OwnerChangeLog.RECORDER, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(recorder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(runDirectory.resolve("seccomp.bpf"), chownAsNoOp());
    }

    /**
     * A classic BPF seccomp program: on x86_64 and aarch64, chown, fchown, lchown and fchownat return 0 without
     * doing anything; every other call is allowed.
     */
    static byte[] chownAsNoOp() {
        final int ldAbs = 0x20;
        final int jeq = 0x15;
        final int ret = 0x06;
        final int allow = 0x7fff0000;
        final int errnoZero = 0x00050000;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(14 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        // seccomp_data: int nr at offset 0, __u32 arch at offset 4.
        insn(b, ldAbs, 0, 0, 4);
        insn(b, jeq, 0, 6, 0xc000003e);           // AUDIT_ARCH_X86_64, else go to the aarch64 check
        insn(b, ldAbs, 0, 0, 0);
        insn(b, jeq, 8, 0, 92);                   // chown
        insn(b, jeq, 7, 0, 93);                   // fchown
        insn(b, jeq, 6, 0, 94);                   // lchown
        insn(b, jeq, 5, 0, 260);                  // fchownat
        insn(b, ret, 0, 0, allow);
        insn(b, jeq, 0, 4, 0xc00000b7);           // AUDIT_ARCH_AARCH64, else allow
        insn(b, ldAbs, 0, 0, 0);
        insn(b, jeq, 1, 0, 54);                   // fchownat
        insn(b, jeq, 0, 1, 55);                   // fchown
        insn(b, ret, 0, 0, errnoZero);            // (index 12; jump offsets count from the next instruction)
        insn(b, ret, 0, 0, allow);
        return b.array();
    }

    private static void insn(java.nio.ByteBuffer b, int code, int jt, int jf, int k) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }

    Path ownerChangeLog() {
        return runDirectory.resolve(Path.of(OwnerChangeLog.LOG).getFileName());
    }

    /** Runs {@code script} with {@code /bin/sh -e} in the tree. */
    Result run(String script, Map<String, String> extraEnvironment) throws IOException {
        // bwrap reads a seccomp program from a file descriptor; the host's sh opens it as fd 9.
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec bwrap --seccomp 9 \"$@\" 9<\"$0\"",
                runDirectory.resolve("seccomp.bpf").toString(),
                "--unshare-user", "--uid", "0", "--gid", "0",
                "--unshare-net", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--hostname", "localhost",
                "--bind", root.toString(), "/",
                "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/run",
                "--bind", runDirectory.toString(), "/run/aptostree"));
        for (String chown : List.of("/usr/bin/chown", "/usr/bin/chgrp")) {
            if (Files.exists(root.resolve(chown.substring(1)))) {
                command.addAll(List.of("--ro-bind", runDirectory.resolve("chown").toString(), chown));
            }
        }
        command.addAll(List.of("--chdir", "/", "/bin/sh", "-e", "-c", script));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
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
        try {
            return new Result(process.waitFor(), output.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
