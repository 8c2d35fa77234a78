package io.chatkpi.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine the figures were measured on. The load average is read at the start and at the end: the figures of a
 * shared machine mean little without it.
 */
public record MachineInfo(String host, int cores, Long memoryMb, String os, String java, String clickhouse,
                          String loadAverageAtStart, String loadAverageAtEnd) {

    static MachineInfo now(String clickhouseVersion, String loadAverageAtStart) {
        return new MachineInfo(hostName(), Runtime.getRuntime().availableProcessors(), readMemoryMb(), readOs(),
                System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                clickhouseVersion, loadAverageAtStart, loadAverage());
    }

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env.trim();
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The 1, 5 and 15 minute load averages, or null off Linux. */
    static String loadAverage() {
        List<String> lines = read(Path.of("/proc/loadavg"));
        if (lines.isEmpty()) return null;
        String[] f = lines.get(0).trim().split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : null;
    }

    private static Long readMemoryMb() {
        for (String line : read(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return null;
    }

    private static String readOs() {
        String pretty = null;
        for (String line : read(Path.of("/etc/os-release"))) {
            if (line.startsWith("PRETTY_NAME=")) pretty = line.substring(12).replace("\"", "");
        }
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        return pretty == null ? kernel : pretty + ", " + kernel;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
