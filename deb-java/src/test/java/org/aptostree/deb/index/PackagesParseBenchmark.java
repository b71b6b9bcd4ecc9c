package org.aptostree.deb.index;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.aptostree.deb.compression.Compression;

/**
 * Whole-task benchmark, run by hand (not a test; tests assert no times):
 * {@code java -cp ... org.aptostree.deb.index.PackagesParseBenchmark PATH/Packages.xz [rounds]}.
 * Measures, in one run and alternating, {@code xz -dc FILE > /dev/null}, our xz decoding alone, and
 * the full parse into {@link PackageRecord}s, and prints the medians and the ratio to xz.
 * Run it with the launcher's JVM flags too ({@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}): they
 * are printed, with the parse's garbage-collection time and the parsing thread's own CPU time, which
 * a loaded machine inflates less than wall-clock time.
 */
public final class PackagesParseBenchmark {
    private PackagesParseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        List<Long> xz = new ArrayList<>();
        List<Long> decode = new ArrayList<>();
        List<Long> parse = new ArrayList<>();
        List<Long> xzCpu = new ArrayList<>();
        List<Long> parseCpu = new ArrayList<>();
        List<Long> parseThreadCpu = new ArrayList<>();
        List<Long> parseGc = new ArrayList<>();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        int count = 0;
        // Warm-up: let the JIT compile the hot paths before measuring.
        for (int i = 0; i < 2; i++) {
            count = PackageIndex.readAll(file).size();
            drain(file);
        }
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            // /usr/bin/time reports xz's own CPU time (user + system), which load on the machine does not inflate.
            Process p = new ProcessBuilder("/usr/bin/time", "-f", "%U %S", "xz", "-dc", file.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String times = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("xz failed");
            }
            long t1 = System.nanoTime();
            String[] us = times.substring(times.lastIndexOf('\n') + 1).split(" ");
            xzCpu.add((long) ((Double.parseDouble(us[0]) + Double.parseDouble(us[1])) * 1e9));
            drain(file);
            long t2 = System.nanoTime();
            long c0 = os.getProcessCpuTime();
            long m0 = threads.getCurrentThreadCpuTime();
            long g0 = gcMillis();
            count = PackageIndex.readAll(file).size();
            long t3 = System.nanoTime();
            parseCpu.add(os.getProcessCpuTime() - c0);
            parseThreadCpu.add(threads.getCurrentThreadCpuTime() - m0);
            parseGc.add((gcMillis() - g0) * 1_000_000);
            xz.add(t1 - t0);
            decode.add(t2 - t1);
            parse.add(t3 - t2);
        }
        double mx = median(xz);
        double md = median(decode);
        double mp = median(parse);
        System.out.printf("%s: %d records%n", file, count);
        System.out.printf("JVM flags: %s%n", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf("xz -dc (process)        median %7.1f ms%n", mx);
        System.out.printf("Java xz decode only     median %7.1f ms  (%.2fx xz)%n", md, md / mx);
        System.out.printf("Java parse to records   median %7.1f ms  (%.2fx xz)%n", mp, mp / mx);
        double cx = median(xzCpu);
        double cp = median(parseCpu);
        System.out.printf("CPU: xz -dc %.1f ms; parse to records (whole JVM: both threads, GC, JIT) %.1f ms (%.2fx)%n",
                cx, cp, cp / cx);
        System.out.printf("parse: parsing thread CPU %.1f ms, GC %.1f ms (medians)%n", median(parseThreadCpu), median(parseGc));
    }

    private static long gcMillis() {
        long total = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static void drain(Path file) throws Exception {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Compression.XZ.decompress(Files.newInputStream(file))) {
            while (in.read(buf) >= 0) {
                // discard
            }
        }
    }

    private static double median(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(s.size() / 2) / 1e6;
    }
}
