package io.chatkpi.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used so far by a process (user + system), in seconds: the pipeline's cost per event does not depend on
 * what else shares the machine, its rate does.
 */
final class ProcessCpu {

    /** USER_HZ, the unit of /proc/PID/stat's times: 100 on every Linux architecture in use. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {}

    /** This JVM's CPU seconds, or null where the JVM does not tell. */
    static Double ofThisJvm() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? null : nanos / 1e9;
        }
        return null;
    }

    /** Process {@code pid}'s CPU seconds (utime + stime of /proc/PID/stat), or null (no such process, not Linux). */
    static Double ofProcess(long pid) {
        if (pid < 0) {
            return null;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** b - a, or null when either is unknown. */
    static Double between(Double a, Double b) {
        return a == null || b == null ? null : b - a;
    }
}
