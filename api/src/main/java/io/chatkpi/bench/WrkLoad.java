package io.chatkpi.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EWT endpoint's closed-loop load from wrk (Debian's package), in its own process: the load generator then
 * does not share the API's JVM (its threads, allocation and GC pauses), only the machine's cores, as a chat
 * service calling the API would. Two wrk threads carry the N connections.
 */
final class WrkLoad {

    private static final Pattern PERCENTILE =
            Pattern.compile("^\\s*(50|99)(?:\\.0+)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern REQUESTS = Pattern.compile("^\\s*(\\d+) requests in ([0-9.]+)(us|ms|s|m),",
            Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s*(\\d+)");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private WrkLoad() {
    }

    static boolean installed() {
        return executable().isPresent();
    }

    static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** Runs wrk against {@code url} for {@code seconds} and reads its report. */
    static Report run(String url, String bearerKey, int connections, int seconds) throws IOException,
            InterruptedException {
        Path wrk = executable().orElseThrow(() -> new IOException("wrk is not installed (apt-get install wrk)"));
        int threads = Math.min(2, connections);
        List<String> command = new ArrayList<>(List.of(wrk.toString(), "-t" + threads, "-c" + connections,
                "-d" + seconds + "s", "--latency", "-H", "Authorization: Bearer " + bearerKey, url));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) throw new IOException("wrk exited with " + exit + ":\n" + output);
        return parse(output);
    }

    /** What wrk --latency printed: requests, the time they took, p50 and p99 in ms, and the failed ones. */
    record Report(long requests, double seconds, double p50Ms, double p99Ms, long errors) {
        double rps() {
            return requests / seconds;
        }
    }

    static Report parse(String output) {
        Double p50 = null;
        Double p99 = null;
        Matcher m = PERCENTILE.matcher(output);
        while (m.find()) {
            double ms = toMs(Double.parseDouble(m.group(2)), m.group(3));
            if (m.group(1).equals("50")) p50 = ms;
            else p99 = ms;
        }
        Matcher r = REQUESTS.matcher(output);
        if (p50 == null || p99 == null || !r.find()) {
            throw new IllegalArgumentException("not a wrk --latency report:\n" + output);
        }
        long requests = Long.parseLong(r.group(1));
        double seconds = toMs(Double.parseDouble(r.group(2)), r.group(3)) / 1000;
        long non2xx = 0;
        Matcher n = NON_2XX.matcher(output);
        if (n.find()) non2xx = Long.parseLong(n.group(1));
        long errors = non2xx;
        Matcher s = SOCKET_ERRORS.matcher(output);
        if (s.find()) {
            // a server closing the connection after an error answer shows as a read error of that same request
            errors = Math.max(non2xx, Long.parseLong(s.group(2)))
                    + Long.parseLong(s.group(1)) + Long.parseLong(s.group(3)) + Long.parseLong(s.group(4));
        }
        return new Report(requests, seconds, p50, p99, errors);
    }

    private static double toMs(double value, String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            case "m" -> value * 60_000;
            default -> throw new IllegalArgumentException("unknown wrk unit " + unit);
        };
    }
}
