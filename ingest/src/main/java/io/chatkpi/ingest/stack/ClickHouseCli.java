package io.chatkpi.ingest.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./chatkpi clickhouse start|stop|status|client}: the project's own ClickHouse server under
 * {@code ./var/clickhouse}, started detached so it outlives the command, with the {@code chatkpi} database migrated.
 */
public final class ClickHouseCli {

    static final String USAGE = """
        usage: ./chatkpi clickhouse <start|stop|status|client> [options]

          start [--http-port N]   start the project's server under var/clickhouse (detached; reuses the last port
                                  when free), migrate the chatkpi database, print the URL
          status                  print the URL and pid; exit 3 if not running
          stop                    stop it (SIGTERM, waits for a clean exit)
          client [--analyst] [--database DB] [SQL...]
                                  run SQL (the arguments, or statements from stdin separated by ';' at line end)
                                  through the HTTP interface and print the result (TabSeparated unless the SQL says
                                  FORMAT ...); --analyst runs it as the read-only analyst user

        CHATKPI_CLICKHOUSE_URL=http://host:port points every command at an existing server instead (start then only
        migrates the chatkpi database; stop leaves it alone).
        """;

    private final Path baseDir;
    private final Optional<String> externalUrl;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    ClickHouseCli(Path baseDir, Optional<String> externalUrl, InputStream in, PrintStream out, PrintStream err) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.externalUrl = externalUrl.filter(s -> !s.isBlank());
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("chatkpi.home", "."));
        ClickHouseCli cli = new ClickHouseCli(home.resolve("var").resolve("clickhouse"),
            Optional.ofNullable(System.getenv(ClickHouseServer.URL_ENV)), System.in, System.out, System.err);
        int code = cli.run(args);
        System.exit(code);
    }

    int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "start" -> start(rest);
                case "stop" -> stop();
                case "status" -> status();
                case "client" -> client(rest);
                default -> {
                    err.println("chatkpi clickhouse: unknown sub-command '" + args[0] + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (UsageException e) {
            err.println("chatkpi clickhouse: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (RuntimeException e) {
            err.println("chatkpi clickhouse: " + e.getMessage());
            return 1;
        }
    }

    private int start(List<String> args) {
        int port = 0;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--http-port") && i + 1 < args.size()) {
                port = parsePort(args.get(++i));
            } else {
                throw new UsageException("unknown option for start: " + args.get(i));
            }
        }
        String url;
        if (externalUrl.isPresent()) {
            url = ClickHouseServer.external(externalUrl.get()).url();
            out.println("using the existing server of " + ClickHouseServer.URL_ENV + ": " + url);
        } else {
            Optional<ClickHouseServer.RunningServer> running = ClickHouseServer.RunningServer.read(baseDir)
                .filter(ClickHouseServer.RunningServer::isAlive);
            if (running.isPresent()) {
                url = running.get().url();
                out.println("already running: " + url + " (pid " + running.get().pid() + ")");
            } else {
                if (port == 0) {
                    // The same URL as last time, if that port is still free: bookmarks and open dashboards keep working.
                    port = lastHttpPort().orElse(0);
                }
                ClickHouseServer server = ClickHouseServer.start(baseDir, true, port);
                url = server.url();
                out.println("started: " + url + " (pid " + server.pid() + ", data under " + baseDir + ")");
            }
        }
        try (ClickHouseClient client = ClickHouseClient.connect(url)) {
            List<Integer> applied = Schema.migrate(client, ClickHouseServer.DEFAULT_DATABASE);
            out.println("database " + ClickHouseServer.DEFAULT_DATABASE + ": " + (applied.isEmpty()
                ? "schema up to date" : "applied schema versions " + applied));
        }
        out.println(url);
        return 0;
    }

    private Optional<Integer> lastHttpPort() {
        java.nio.file.Path file = baseDir.resolve("last-http-port");
        try {
            return java.nio.file.Files.exists(file)
                ? Optional.of(Integer.parseInt(java.nio.file.Files.readString(file).strip())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private int stop() {
        if (externalUrl.isPresent()) {
            out.println("not stopping the existing server of " + ClickHouseServer.URL_ENV + " (" + externalUrl.get()
                + ")");
            return 0;
        }
        Optional<ClickHouseServer.RunningServer> running = ClickHouseServer.RunningServer.read(baseDir);
        if (running.isEmpty() || !running.get().isAlive()) {
            running.ifPresent(r -> r.stop(baseDir));
            out.println("not running");
            return 0;
        }
        rememberPort(running.get().httpPort());
        boolean clean = running.get().stop(baseDir);
        out.println(clean ? "stopped (pid " + running.get().pid() + ")"
            : "killed (pid " + running.get().pid() + ") after it ignored SIGTERM");
        return 0;
    }

    private void rememberPort(int port) {
        try {
            java.nio.file.Files.writeString(baseDir.resolve("last-http-port"), Integer.toString(port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int status() {
        if (externalUrl.isPresent()) {
            String url = ClickHouseServer.external(externalUrl.get()).url();
            boolean up = ClickHouseServer.ping(url);
            out.println((up ? "running: " : "NOT answering: ") + url + " (" + ClickHouseServer.URL_ENV + ")");
            return up ? 0 : 3;
        }
        Optional<ClickHouseServer.RunningServer> running = ClickHouseServer.RunningServer.read(baseDir)
            .filter(ClickHouseServer.RunningServer::isAlive);
        if (running.isEmpty()) {
            out.println("not running (data under " + baseDir + ")");
            return 3;
        }
        ClickHouseServer.RunningServer server = running.get();
        boolean up = ClickHouseServer.ping(server.url());
        out.println((up ? "running: " : "started but NOT answering: ") + server.url() + " (pid " + server.pid()
            + ", data under " + baseDir + ")");
        return up ? 0 : 1;
    }

    private int client(List<String> args) {
        String user = "default";
        String database = ClickHouseServer.DEFAULT_DATABASE;
        List<String> sqlWords = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--analyst")) {
                user = ClickHouseServer.ANALYST_USER;
            } else if (a.equals("--database") && i + 1 < args.size()) {
                database = args.get(++i);
            } else {
                sqlWords.addAll(args.subList(i, args.size()));
                break;
            }
        }
        String sql;
        try {
            sql = sqlWords.isEmpty() ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
                : String.join(" ", sqlWords);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> statements = SqlResources.statements(sql);
        if (statements.isEmpty()) {
            throw new UsageException("no SQL given (as arguments or on stdin)");
        }
        String url = currentUrl().orElseThrow(() -> new IllegalStateException(
            "ClickHouse is not running; start it with ./chatkpi clickhouse start"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI parsed = URI.create(url);
        boolean basicAuth = parsed.getRawUserInfo() != null && user.equals("default");
        // user= in the URL: 18.16 predates the X-ClickHouse-User header.
        URI endpoint = URI.create(stripUserInfo(parsed) + "/?database="
            + URLEncoder.encode(database, StandardCharsets.UTF_8)
            + (basicAuth ? "" : "&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)));
        for (String statement : statements) {
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .POST(HttpRequest.BodyPublishers.ofString(statement, StandardCharsets.UTF_8));
            if (basicAuth) {
                request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    java.net.URLDecoder.decode(parsed.getRawUserInfo(), StandardCharsets.UTF_8)
                        .getBytes(StandardCharsets.UTF_8)));
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        err.println("chatkpi clickhouse: " + new String(body.readAllBytes(), StandardCharsets.UTF_8)
                            .strip());
                        return 1;
                    }
                    body.transferTo(out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reach " + url + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
        out.flush();
        return 0;
    }

    private static String stripUserInfo(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    private Optional<String> currentUrl() {
        if (externalUrl.isPresent()) {
            return externalUrl;
        }
        return ClickHouseServer.RunningServer.read(baseDir).filter(ClickHouseServer.RunningServer::isAlive)
            .map(ClickHouseServer.RunningServer::url);
    }

    private static int parsePort(String s) {
        try {
            int port = Integer.parseInt(s);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException("not a port: " + s);
        }
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
