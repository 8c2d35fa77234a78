package io.chatkpi.ingest.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ClickHouse server process run by the project with a config of its own: loopback only, free ports, every
 * file under one directory (e.g. {@code ./var/clickhouse}). Or, when {@code CHATKPI_CLICKHOUSE_URL} is set, an
 * existing server that this class only points at and never starts or stops.
 *
 * <p>Layout under the base directory: {@code config/} (rendered config.xml and users.xml), {@code data/},
 * {@code tmp/}, {@code user_files/}, {@code log/}, and {@code server.properties} (pid, ports, URL) so that a later
 * invocation ({@code ./chatkpi clickhouse status|stop}) finds a server started detached.
 */
public final class ClickHouseServer implements AutoCloseable {

    /** Points everything at an existing server instead of starting one, e.g. {@code http://127.0.0.1:8123}. */
    public static final String URL_ENV = "CHATKPI_CLICKHOUSE_URL";
    /** Overrides the search for a server binary: a {@code clickhouse} single binary or a {@code clickhouse-server}. */
    public static final String BINARY_ENV = "CHATKPI_CLICKHOUSE_BIN";
    /** The database the analyst user may read; the launcher migrates it. */
    public static final String DEFAULT_DATABASE = "chatkpi";
    public static final String ANALYST_USER = "analyst";

    /** The limits of the read-only analyst profile. */
    public record AnalystLimits(int maxExecutionSeconds, long maxResultRows) {
        /** 60 s and 1,000,000 rows: ample for KPI queries, and a runaway query cannot hog a laptop. */
        public static final AnalystLimits DEFAULT = new AnalystLimits(60, 1_000_000);
    }

    static final String STATE_FILE = "server.properties";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseServer.class);

    private final String url;
    private final Path baseDir;
    private final ProcessHandle process;
    private final boolean detached;
    private final Thread shutdownHook;
    private final Process watchdog;
    private volatile boolean stopped;

    private ClickHouseServer(String url, Path baseDir, ProcessHandle process, boolean detached) {
        this.url = url;
        this.baseDir = baseDir;
        this.process = process;
        this.detached = detached;
        if (process != null && !detached) {
            // A test run or the demo that dies without close() must not leave a server behind.
            this.shutdownHook = new Thread(this::stopQuietly, "clickhouse-server-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            // ... nor one killed with SIGKILL, which runs no hook: the server then blocked the next run in its directory
            this.watchdog = startWatchdog(process);
        } else {
            this.shutdownHook = null;
            this.watchdog = null;
        }
    }

    /**
     * A shell that waits for this JVM to end and then stops the server (SIGTERM, SIGKILL after the stop timeout),
     * if the server's pid still runs ClickHouse. Destroyed by {@link #stop()}; only a JVM gone without running its
     * shutdown hook leaves it to act. Null where there is no {@code /bin/sh}.
     */
    private static Process startWatchdog(ProcessHandle server) {
        long jvm = ProcessHandle.current().pid();
        long pid = server.pid();
        String script = "while kill -0 " + jvm + " 2>/dev/null; do sleep 1; done; "
                + "grep -q clickhouse /proc/" + pid + "/cmdline 2>/dev/null || exit 0; "
                + "kill -TERM " + pid + "; for i in $(seq " + STOP_TIMEOUT.toSeconds() + "); do "
                + "kill -0 " + pid + " 2>/dev/null || exit 0; sleep 1; done; kill -KILL " + pid;
        try {
            return new ProcessBuilder("/bin/sh", "-c", script)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            LOG.warn("no watchdog for ClickHouse (pid {}): {}", pid, e.getMessage());
            return null;
        }
    }

    /**
     * The server of {@code CHATKPI_CLICKHOUSE_URL} if set, otherwise a new server under {@code baseDir}, owned by this
     * JVM (stopped by {@link #close()} or at JVM exit).
     */
    public static ClickHouseServer startOrConnect(Path baseDir) {
        Optional<ClickHouseServer> external = fromEnvironment();
        return external.isPresent() ? external.get() : start(baseDir, false, 0);
    }

    /** The existing server named by {@code CHATKPI_CLICKHOUSE_URL}, if the variable is set. */
    public static Optional<ClickHouseServer> fromEnvironment() {
        String url = System.getenv(URL_ENV);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(external(url.trim()));
    }

    /** An existing server: {@link #close()} leaves it running. */
    public static ClickHouseServer external(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI uri = URI.create(trimmed);
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new IllegalArgumentException(URL_ENV + " must look like http://host:8123, not '" + url + "'");
        }
        return new ClickHouseServer(trimmed, null, null, false);
    }

    /**
     * Starts a server under {@code baseDir}.
     *
     * @param detached the server outlives this JVM (the launcher's {@code clickhouse start}); otherwise it is
     *     stopped at JVM exit at the latest
     * @param preferredHttpPort used if free; 0 picks any free port
     */
    public static ClickHouseServer start(Path baseDir, boolean detached, int preferredHttpPort) {
        return start(baseDir, detached, preferredHttpPort, AnalystLimits.DEFAULT);
    }

    /** As {@link #start(Path, boolean, int)}, with the analyst profile's limits given. */
    public static ClickHouseServer start(Path baseDir, boolean detached, int preferredHttpPort,
                                         AnalystLimits limits) {
        List<String> command = findServerCommand().orElseThrow(() -> new IllegalStateException(missingMessage()));
        Path base = baseDir.toAbsolutePath().normalize();
        Optional<RunningServer> running = RunningServer.read(base);
        if (running.isPresent() && running.get().isAlive()) {
            throw new IllegalStateException("a ClickHouse server already runs on " + base + ": " + running.get().url()
                + " (pid " + running.get().pid() + "); stop it with ./chatkpi clickhouse stop");
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int httpPort = attempt == 1 && preferredHttpPort > 0 && isFree(preferredHttpPort) ? preferredHttpPort
                : freePort();
            int tcpPort = freePort();
            while (tcpPort == httpPort) {
                tcpPort = freePort();
            }
            try {
                return launch(command, base, httpPort, tcpPort, detached, limits);
            } catch (PortTakenException e) {
                // Another process took a port between our probe and the server's bind: try other ports.
                last = e;
                LOG.warn("ClickHouse could not bind its ports (attempt {}): {}", attempt, e.getMessage());
            }
        }
        throw last;
    }

    private static ClickHouseServer launch(List<String> command, Path base, int httpPort, int tcpPort,
                                           boolean detached, AnalystLimits limits) {
        Path configDir = base.resolve("config");
        Path logDir = base.resolve("log");
        try {
            for (String dir : List.of("config", "data", "tmp", "user_files", "log")) {
                Files.createDirectories(base.resolve(dir));
            }
            Map<String, String> values = Map.of(
                "http_port", Integer.toString(httpPort),
                "tcp_port", Integer.toString(tcpPort),
                "data_dir", base.resolve("data").toString(),
                "tmp_dir", base.resolve("tmp").toString(),
                "user_files_dir", base.resolve("user_files").toString(),
                "log_dir", logDir.toString(),
                "users_config", configDir.resolve("users.xml").toString(),
                "analyst_database", DEFAULT_DATABASE,
                "analyst_max_execution_time", Integer.toString(limits.maxExecutionSeconds()),
                "analyst_max_result_rows", Long.toString(limits.maxResultRows()));
            Files.writeString(configDir.resolve("config.xml"), render("clickhouse/config.xml", values));
            Files.writeString(configDir.resolve("users.xml"), render("clickhouse/users.xml", values));
            Files.deleteIfExists(logDir.resolve("clickhouse-server.err.log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare ClickHouse directory " + base, e);
        }

        List<String> argv = new ArrayList<>();
        if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // Own session: Ctrl-C in the terminal that ran `clickhouse start` must not reach the server later.
            argv.add("/usr/bin/setsid");
        }
        argv.addAll(command);
        argv.add("--config-file=" + configDir.resolve("config.xml"));
        ProcessBuilder builder = new ProcessBuilder(argv)
            .directory(base.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("stdout.log").toFile()))
            .redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        }
        String url = "http://127.0.0.1:" + httpPort;
        ProcessHandle handle = process.toHandle();
        try {
            awaitPing(url, handle, logDir);
        } catch (RuntimeException e) {
            terminate(handle);
            throw e;
        }
        new RunningServer(handle.pid(), httpPort, tcpPort, url).write(base);
        LOG.info("ClickHouse ready at {} (pid {}, data under {})", url, handle.pid(), base);
        return new ClickHouseServer(url, base, handle, detached);
    }

    private static void awaitPing(String url, ProcessHandle process, Path logDir) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = tail(logDir.resolve("clickhouse-server.err.log")) + tail(logDir.resolve("stdout.log"));
                if (log.contains("Address already in use")) {
                    throw new PortTakenException(log);
                }
                throw new IllegalStateException("ClickHouse exited during start-up; its log says:\n" + log);
            }
            if (ping(url)) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("ClickHouse did not answer " + url + "/ping within " + START_TIMEOUT
            + "; see " + logDir);
    }

    /**
     * True if {@code GET /ping} answers "Ok.". A one-shot HTTP/1.0 request on a socket of its own: a pooled
     * keep-alive connection left behind would hold up the server's stop by several seconds.
     */
    public static boolean ping(String url) {
        URI uri = URI.create(url);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        if ("https".equals(uri.getScheme())) {
            return pingHttps(url);
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), port), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(("GET /ping HTTP/1.0\r\nHost: " + uri.getHost() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return response.startsWith("HTTP/1.") && response.contains(" 200 ") && response.endsWith("Ok.\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean pingHttps(String url) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url + "/ping")).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().startsWith("Ok.");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The HTTP URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    /** A JDBC URL for clickhouse-jdbc (batched inserts), for the given database. */
    public String jdbcUrl(String database) {
        return "jdbc:clickhouse:" + url + "/" + database;
    }

    public boolean isExternal() {
        return process == null;
    }

    public Optional<Path> baseDir() {
        return Optional.ofNullable(baseDir);
    }

    /** The watchdog started for an owned server (for tests). */
    Optional<ProcessHandle> watchdog() {
        return watchdog == null ? Optional.empty() : Optional.of(watchdog.toHandle());
    }

    public OptionalPid pid() {
        return new OptionalPid(process == null ? -1 : process.pid());
    }

    /** A pid, or -1 for an external server. */
    public record OptionalPid(long value) {
        @Override
        public String toString() {
            return value < 0 ? "external" : Long.toString(value);
        }
    }

    /**
     * Stops a server this object started (SIGTERM, then waits); does nothing for an external one. Close the clients
     * first: the server waits for keep-alive connections to go idle before it exits.
     */
    public void stop() {
        if (stopped || process == null) {
            return;
        }
        stopped = true;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // called from the hook itself
            }
        }
        long started = System.nanoTime();
        if (watchdog != null) {
            watchdog.destroy();
        }
        terminate(process);
        RunningServer.delete(baseDir);
        LOG.info("ClickHouse (pid {}) stopped in {} ms", process.pid(), (System.nanoTime() - started) / 1_000_000);
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping ClickHouse failed", e);
        }
    }

    @Override
    public void close() {
        if (!detached) {
            stop();
        }
    }

    /** SIGTERM, wait for a clean exit (the data dir stays consistent), SIGKILL only as a last resort. */
    static boolean terminate(ProcessHandle process) {
        boolean clean = ProcessStop.terminate(process, STOP_TIMEOUT);
        if (!clean) {
            LOG.warn("ClickHouse (pid {}) did not stop within {}: killed", process.pid(), STOP_TIMEOUT);
        }
        return clean;
    }

    /**
     * How to run a ClickHouse server here: {@code CHATKPI_CLICKHOUSE_BIN}, else the {@code clickhouse} single binary
     * ({@code clickhouse server}), else {@code clickhouse-server} on the PATH or where Debian's package puts it.
     */
    public static Optional<List<String>> findServerCommand() {
        String override = System.getenv(BINARY_ENV);
        if (override != null && !override.isBlank()) {
            Path bin = Path.of(override);
            if (!Files.isExecutable(bin)) {
                throw new IllegalStateException(BINARY_ENV + "=" + override + " is not an executable file");
            }
            return Optional.of(bin.getFileName().toString().equals("clickhouse")
                ? List.of(bin.toString(), "server") : List.of(bin.toString()));
        }
        Optional<Path> single = onPath("clickhouse");
        if (single.isPresent()) {
            return Optional.of(List.of(single.get().toString(), "server"));
        }
        Optional<Path> server = onPath("clickhouse-server");
        if (server.isEmpty()) {
            server = List.of(Path.of("/usr/bin/clickhouse-server"), Path.of("/usr/sbin/clickhouse-server")).stream()
                .filter(Files::isExecutable).findFirst();
        }
        return server.map(p -> List.of(p.toString()));
    }

    static String missingMessage() {
        return "No ClickHouse server found (looked for `clickhouse` and `clickhouse-server` on the PATH, "
            + "/usr/bin/clickhouse-server and /usr/sbin/clickhouse-server). Install one: on Debian/Ubuntu "
            + "`sudo apt-get install clickhouse-server` (./chatkpi test and ./chatkpi clickhouse do this when run as "
            + "root), elsewhere the `clickhouse` single binary from clickhouse.com on the PATH; or set "
            + BINARY_ENV + " to the binary, or " + URL_ENV + " to an existing server's HTTP URL.";
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static String render(String resource, Map<String, String> values) {
        String template;
        try (InputStream in = ClickHouseServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", xmlEscape(e.getValue()));
        }
        int open = out.indexOf("{{");
        if (open >= 0) {
            throw new IllegalStateException(resource + " has an unfilled placeholder at: "
                + out.substring(open, Math.min(out.length(), open + 40)));
        }
        return out;
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")\n";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for ClickHouse", e);
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String log) {
            super("port already in use:\n" + log);
        }
    }

    /** What {@code server.properties} records about a server started under a base directory. */
    public record RunningServer(long pid, int httpPort, int tcpPort, String url) {

        public static Optional<RunningServer> read(Path baseDir) {
            Path file = baseDir.resolve(STATE_FILE);
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
                return Optional.of(new RunningServer(Long.parseLong(p.getProperty("pid")),
                    Integer.parseInt(p.getProperty("httpPort")), Integer.parseInt(p.getProperty("tcpPort")),
                    p.getProperty("url")));
            } catch (IOException | RuntimeException e) {
                LOG.warn("ignoring unreadable {}: {}", file, e.toString());
                return Optional.empty();
            }
        }

        void write(Path baseDir) {
            Properties p = new Properties();
            p.setProperty("pid", Long.toString(pid));
            p.setProperty("httpPort", Integer.toString(httpPort));
            p.setProperty("tcpPort", Integer.toString(tcpPort));
            p.setProperty("url", url);
            try (var out = Files.newOutputStream(baseDir.resolve(STATE_FILE))) {
                p.store(out, "chatkpi's ClickHouse server (written at start, removed at stop)");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static void delete(Path baseDir) {
            try {
                Files.deleteIfExists(baseDir.resolve(STATE_FILE));
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", baseDir.resolve(STATE_FILE), e.toString());
            }
        }

        /** The recorded process still runs and is a ClickHouse (a reused pid of another program does not count). */
        public boolean isAlive() {
            return process().isPresent();
        }

        public Optional<ProcessHandle> process() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> h.info().command()
                .map(c -> c.contains("clickhouse") || c.contains("setsid")).orElse(true));
        }

        /** Stops the recorded server (SIGTERM, wait, SIGKILL as a last resort) and forgets it. */
        public boolean stop(Path baseDir) {
            boolean clean = process().map(ClickHouseServer::terminate).orElse(true);
            delete(baseDir);
            return clean;
        }
    }
}
