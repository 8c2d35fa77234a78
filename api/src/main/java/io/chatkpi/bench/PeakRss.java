package io.chatkpi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident set size of a process: VmHWM of /proc/PID/status (Linux). */
final class PeakRss {

    private PeakRss() {}

    /** This JVM's peak RSS in MiB, or null where /proc is not available. */
    static Double ofThisJvm() {
        return read(Path.of("/proc/self/status"));
    }

    /** The peak RSS of process {@code pid} in MiB, or null (no such process, not Linux, pid < 0). */
    static Double ofProcess(long pid) {
        return pid < 0 ? null : read(Path.of("/proc", Long.toString(pid), "status"));
    }

    private static Double read(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such process, or no /proc
        }
        return null;
    }
}
