package io.chatroom.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the load generator reads about a process on this machine: resident memory and CPU
 * time from {@code /proc}, and the Java heap in use after a full collection through the
 * JDK's {@code jcmd} (the server must run as the same user).
 */
final class ProcessProbe {

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");
    /** Linux clock ticks per second ({@code getconf CLK_TCK}), 100 on every kernel configuration in use. */
    private static final double TICKS_PER_SECOND = 100;

    private final long pid;

    ProcessProbe(long pid) {
        this.pid = pid;
    }

    static ProcessProbe self() {
        return new ProcessProbe(ProcessHandle.current().pid());
    }

    long pid() {
        return pid;
    }

    /** VmRSS in KiB, or -1. */
    long rssKiB() {
        return status("VmRSS:");
    }

    /** The process's threads, or -1. */
    long threads() {
        return status("Threads:");
    }

    /** A number of {@code /proc/PID/status}, or -1. */
    private long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** User plus system CPU time in seconds, or -1; for pid 0, the whole machine's busy time. */
    double cpuSeconds() {
        if (pid == 0) {
            return machineBusySeconds();
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time the whole machine spent busy (all but idle and iowait), in seconds, or -1. */
    static double machineBusySeconds() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The whole machine, for {@link CpuMeter}: what other processes took is machine less server less us. */
    static ProcessProbe machine() {
        return new ProcessProbe(0);
    }

    /** Runs a full GC in the process ({@code jcmd PID GC.run}) and returns the heap in use in KiB, or -1. */
    long heapUsedAfterGcKiB() {
        if (jcmd("GC.run") == null) {
            return -1;
        }
        String info = jcmd("GC.heap_info");
        if (info == null) {
            return -1;
        }
        Matcher m = HEAP_USED.matcher(info);
        return m.find() ? Long.parseLong(m.group(2)) : -1;
    }

    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.err.println("jcmd " + pid + " " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("jcmd " + pid + " " + command + " failed: " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** CPU used between two readings by one or more processes together, in cores (1.0 is one core busy all the time). */
    static final class CpuMeter {
        private final ProcessProbe[] probes;
        private double cpuAt;
        private long nanosAt;

        CpuMeter(ProcessProbe... probes) {
            this.probes = probes;
            reset();
        }

        void reset() {
            cpuAt = cpuSeconds();
            nanosAt = System.nanoTime();
        }

        double cores() {
            double seconds = (System.nanoTime() - nanosAt) / 1e9;
            double cpu = cpuSeconds();
            return cpu < 0 || cpuAt < 0 || seconds <= 0 ? -1 : (cpu - cpuAt) / seconds;
        }

        /** The sum over the processes, or -1 if one cannot be read. */
        private double cpuSeconds() {
            double sum = 0;
            for (ProcessProbe p : probes) {
                double s = p.cpuSeconds();
                if (s < 0) {
                    return -1;
                }
                sum += s;
            }
            return sum;
        }
    }
}
