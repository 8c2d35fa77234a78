package io.chatkpi.jobs.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.ClickHouseServer;
import io.chatkpi.ingest.stack.Schema;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.jobs.common.JobConfig;
import io.chatkpi.jobs.kpi.KpiJob.KpiConfig;
import io.chatkpi.jobs.kpi.KpiWatermarks;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./chatkpi replay --input events.jsonl --out DIR | --clickhouse}: the KPI jobs over a file, on a local
 * MiniCluster.
 */
public final class ReplayCli {

    static final String USAGE = """
            usage: ./chatkpi replay --input events.jsonl (--out DIR | --clickhouse) [options]

              --input FILE                 JSON-lines events (one event per line)
              --out DIR                    write DIR/ewt.jsonl, DIR/sessions.jsonl, DIR/rejected.jsonl
              --clickhouse                 backfill the ClickHouse tables instead (idempotent: re-running the same
                                           file leaves the same results)
              --clickhouse-url URL         default: CHATKPI_CLICKHOUSE_URL, else the server of ./chatkpi clickhouse start
              --clickhouse-database DB     (default chatkpi)
              --out-of-orderness-ms MS     watermark bound (default 5000)
              --service-level-ms MS        (default 60000)
              --ewt-window-ms MS           (default 600000)
              --ewt-samples N              (default 10)
              --parallelism N              (default 2)
            """;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReplayCli() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
            return;
        }
        try {
            System.exit(run(JobConfig.fromArgs(args, System.getenv())));
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
    }

    /** Runs a replay as the command line says; returns the exit code. */
    static int run(JobConfig config) throws Exception {
        Path input = Paths.get(config.required("input"));
        String out = config.get("out", null);
        boolean clickhouse = Boolean.parseBoolean(config.get("clickhouse", "false"));
        if ((out == null) == !clickhouse) {
            throw new IllegalArgumentException("give exactly one of --out DIR and --clickhouse");
        }
        if (!Files.isReadable(input)) {
            throw new IllegalArgumentException("--input: cannot read " + input);
        }
        Duration bound = Duration.ofMillis(
                config.getLong("out-of-orderness-ms", KpiWatermarks.DEFAULT_OUT_OF_ORDERNESS.toMillis()));
        KpiConfig kpis = KpiConfig.from(config);
        int parallelism = config.getInt("parallelism", 2);
        String url = clickhouse ? clickhouseUrl(config) : null;
        String database = config.get("clickhouse-database", ClickHouseSinkOptions.DEFAULT_DATABASE);
        Set<String> unknown = config.unknownArguments();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
        }

        long started = System.nanoTime();
        if (clickhouse) {
            try (ClickHouseClient client = ClickHouseClient.connect(url)) {
                Schema.migrate(client, database);
            }
            StreamExecutionEnvironment env = localEnvironment(parallelism);
            ReplayJob.toClickHouse(env, input, ClickHouseSinkOptions.of(url, database), kpis, bound);
            env.execute(ReplayJob.JOB_NAME + " " + input.getFileName());
            System.out.printf("replayed %s into ClickHouse %s (database %s) in %.1f s%n", input, url, database,
                    (System.nanoTime() - started) / 1e9);
            try (ClickHouseClient client = ClickHouseClient.connect(url).withDatabase(database)) {
                JsonNode held = client.queryJson(SqlResources.load("queries/replay_table_counts.sql")).get(0);
                System.out.printf("the tables now hold: %d sessions, %d EWT changes, %d accuracy rows, %d rejected%n",
                        held.get("sessions").asLong(), held.get("ewtChanges").asLong(),
                        held.get("accuracyRows").asLong(), held.get("rejected").asLong());
            }
            return 0;
        }
        ReplayFiles files = replayToFiles(input, Paths.get(out), kpis, bound, parallelism);
        System.out.printf("replayed %s in %.1f s: %d sessions, %d EWT changes, %d rejected lines -> %s%n", input,
                (System.nanoTime() - started) / 1e9, files.sessions(), files.ewtChanges(), files.rejected(),
                Paths.get(out).toAbsolutePath());
        return 0;
    }

    /** What a replay to files wrote. */
    public record ReplayFiles(long sessions, long ewtChanges, long rejected) {}

    /**
     * Runs the replay and writes the final files: {@code sessions.jsonl} (the last version of every session, by
     * sessionId), {@code ewt.jsonl} (per queue in asOf order), {@code rejected.jsonl} (by line).
     */
    public static ReplayFiles replayToFiles(Path input, Path outDir, KpiConfig kpis, Duration bound, int parallelism)
            throws Exception {
        Files.createDirectories(outDir);
        Path parts = outDir.resolve(".parts");
        deleteRecursively(parts);
        StreamExecutionEnvironment env = localEnvironment(parallelism);
        ReplayJob.toFiles(env, input, parts, kpis, bound);
        env.execute(ReplayJob.JOB_NAME + " " + input.getFileName());

        Map<String, JsonNode> lastSessionRows = new TreeMap<>();
        for (JsonNode row : readParts(parts, ReplayJob.SESSIONS_PARTS)) {
            lastSessionRows.merge(row.get("sessionId").asText(), row,
                    (a, b) -> b.get("version").asLong() > a.get("version").asLong() ? b : a);
        }
        List<JsonNode> ewt = readParts(parts, ReplayJob.EWT_PARTS);
        ewt.sort(Comparator.comparing((JsonNode n) -> n.get("queueId").asText())
                .thenComparing(n -> java.time.Instant.parse(n.get("asOf").asText())));
        List<JsonNode> rejected = readParts(parts, ReplayJob.REJECTED_PARTS);
        rejected.sort(Comparator.comparingLong(n -> n.get("line").asLong()));

        write(outDir.resolve("sessions.jsonl"), lastSessionRows.values());
        write(outDir.resolve("ewt.jsonl"), ewt);
        write(outDir.resolve("rejected.jsonl"), rejected);
        deleteRecursively(parts);
        return new ReplayFiles(lastSessionRows.size(), ewt.size(), rejected.size());
    }

    static StreamExecutionEnvironment localEnvironment(int parallelism) {
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
    }

    private static String clickhouseUrl(JobConfig config) {
        String url = config.get("clickhouse-url", System.getenv(ClickHouseServer.URL_ENV));
        if (url != null) {
            return url;
        }
        Path base = Paths.get(System.getProperty("chatkpi.home", ".")).resolve("var/clickhouse");
        return ClickHouseServer.RunningServer.read(base)
                .filter(ClickHouseServer.RunningServer::isAlive)
                .map(ClickHouseServer.RunningServer::url)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no ClickHouse: start one with './chatkpi clickhouse start', or give --clickhouse-url / "
                                + ClickHouseServer.URL_ENV));
    }

    private static List<JsonNode> readParts(Path parts, String prefix) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        if (!Files.isDirectory(parts)) {
            return rows;
        }
        try (Stream<Path> files = Files.list(parts)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix + "-")).sorted().toList()) {
                try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                    lines.filter(l -> !l.isBlank()).forEach(l -> rows.add(parse(l)));
                }
            }
        }
        return rows;
    }

    private static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, Iterable<JsonNode> rows) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (JsonNode row : rows) {
                w.write(MAPPER.writeValueAsString(row));
                w.newLine();
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
