package io.chatkpi.bench;

import io.chatkpi.ingest.stack.ProcessStop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reporting API in a JVM of its own, as in production ({@code ./chatkpi api}): the same classpath and main
 * ({@link BenchApiMain}, which is {@code ApiMain.main}), configured by the same {@code CHATKPI_*} environment
 * variables, with the JVM options the README recommends for the API. Its output goes to a log file; the port it
 * listens on is read from the line it prints when listening (it is started on port 0). Stopped with SIGTERM by
 * {@link #close}, or by a shutdown hook when the bench JVM is stopped (Ctrl-C) before that.
 */
final class ApiProcess implements AutoCloseable {

    /**
     * The API's recommended JVM options for an instance serving the EWT and the dashboards (README, "JVM options"):
     * a fixed heap with room for the KPI responses (~17 MB allocated per 30-day hourly request: with 256 MB the
     * young collections came every few requests and copied the responses in flight) and a collector whose pauses on
     * such a heap stay short (young collections of the EWT load 1-2 ms).
     */
    static final String RECOMMENDED_JVM_OPTIONS = "-Xms1g -Xmx1g -XX:+UseSerialGC -XX:+AlwaysPreTouch";

    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:/]+:(\\d+)");
    private static final long STOP_WAIT_SECONDS = 15;

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread stopOnExit;
    private Double peakRssMb;

    private ApiProcess(Process process, int port, Path log, Thread stopOnExit) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.stopOnExit = stopOnExit;
    }

    /**
     * Starts the API with {@code settings} (CHATKPI_* variables; CHATKPI_API_PORT is set to 0 here) and waits until
     * it listens; its output goes to {@code log}.
     */
    static ApiProcess start(Path home, Map<String, String> settings, String jvmOptions, Path log,
                            long timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : jvmOptions.trim().split("\\s+")) {
            if (!option.isEmpty()) command.add(option);
        }
        command.add("-Dchatkpi.home=" + home);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchApiMain.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // only the settings given: a CHATKPI_API_KEYS or CHATKPI_API_CONFIG of the caller's shell must not leak in
        builder.environment().keySet().removeIf(k -> k.startsWith("CHATKPI_"));
        builder.environment().putAll(settings);
        builder.environment().put("CHATKPI_API_PORT", "0");
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = builder.start();
        Thread stopOnExit = new Thread(() -> stop(process), "bench-stop-api-process");
        Runtime.getRuntime().addShutdownHook(stopOnExit);

        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Deque<String> lastLines = new ArrayDeque<>();
        Thread output = new Thread(() -> copyOutput(process, log, listening, lastLines), "bench-api-process-output");
        output.setDaemon(true);
        output.start();
        try {
            int port = listening.get(timeoutSeconds, TimeUnit.SECONDS);
            return new ApiProcess(process, port, log, stopOnExit);
        } catch (Exception e) {
            stop(process);
            removeHook(stopOnExit);
            output.join(2_000);
            String tail;
            synchronized (lastLines) {
                tail = String.join("\n", lastLines);
            }
            throw new IOException("the API process did not start listening (exit "
                    + (process.isAlive() ? "-" : process.exitValue()) + "); see " + log + ":\n" + tail, e);
        }
    }

    private static void copyOutput(Process process, Path log, CompletableFuture<Integer> listening,
                                   Deque<String> lastLines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > 40) lastLines.removeFirst();
                }
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.find()) listening.complete(Integer.parseInt(m.group(1)));
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        } finally {
            listening.completeExceptionally(new IOException("the API process's output ended"));
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Its peak RSS (MiB): read while it runs, or the last reading before {@link #close} stopped it. */
    synchronized Double peakRssMb() {
        if (process.isAlive()) {
            Double now = PeakRss.ofProcess(process.pid());
            if (now != null) peakRssMb = now;
        }
        return peakRssMb;
    }

    @Override
    public void close() {
        peakRssMb();
        stop(process);
        removeHook(stopOnExit);
    }

    /** SIGTERM (the API's shutdown hook closes the server and the feed), then SIGKILL if it takes too long. */
    private static void stop(Process process) {
        ProcessStop.terminate(process.toHandle(), Duration.ofSeconds(STOP_WAIT_SECONDS));
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) anyway
        }
    }
}
