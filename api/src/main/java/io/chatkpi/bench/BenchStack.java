package io.chatkpi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.demo.LocalFlinkCluster;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.ClickHouseServer;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.ingest.stack.Schema;
import io.chatkpi.ingest.stack.SqlLiteral;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.ingest.stack.SqlTemplate;
import io.chatkpi.jobs.common.RuntimeOptions;
import io.chatkpi.jobs.landing.RawEventsJob.StartingOffsets;
import io.chatkpi.jobs.kpi.KpiJob;
import io.chatkpi.jobs.landing.RawEventsJob;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The parts every measurement runs on, all the project's own: ClickHouse (var/bench/clickhouse, or
 * CHATKPI_CLICKHOUSE_URL) with a fresh database per run (earlier runs' databases are dropped first), an in-JVM
 * Kafka broker on a fresh log dir (var/bench/kafka), and one Flink MiniCluster checkpointing to
 * var/bench/flink-checkpoints. Closed newest first.
 */
final class BenchStack implements AutoCloseable {

    /** The jobs run as the demo runs them: one parallel pipeline each (2 cores for everything). */
    static final int JOB_PARALLELISM = 1;

    final Path home;
    final String runId;
    final String database;
    final ClickHouseServer clickHouse;
    final ClickHouseClient sql;
    final KafkaBroker kafka;
    final LocalFlinkCluster flink;
    private final ClickHouseClient admin;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    private BenchStack(Path home, String runId, String database, ClickHouseServer clickHouse, ClickHouseClient admin,
                       ClickHouseClient sql, KafkaBroker kafka, LocalFlinkCluster flink) {
        this.home = home;
        this.runId = runId;
        this.database = database;
        this.clickHouse = clickHouse;
        this.admin = admin;
        this.sql = sql;
        this.kafka = kafka;
        this.flink = flink;
    }

    static BenchStack start(Path home, String runId) throws Exception {
        Path var = home.resolve("var").resolve("bench");
        ClickHouseServer clickHouse = ClickHouseServer.fromEnvironment()
                .orElseGet(() -> ClickHouseServer.start(var.resolve("clickhouse"), false, 0));
        Progress.say("ClickHouse %s (pid %s)", clickHouse.url(), clickHouse.pid());
        String database = "bench_" + runId;
        ClickHouseClient admin = ClickHouseClient.connect(clickHouse.url());
        for (JsonNode leftover : admin.queryJson(SqlTemplate.render(
                SqlResources.load("queries/bench_leftover_databases.sql"), Map.of("current", database)))) {
            String name = leftover.path("name").asText();
            admin.execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(name));
            Progress.say("dropped %s, the database of an earlier run", name);
        }
        Schema.migrate(admin, database);
        ClickHouseClient sql = admin.withDatabase(database);
        Path kafkaDir = var.resolve("kafka");
        deleteTree(kafkaDir); // a fresh broker: earlier runs' topics would only cost disk
        KafkaBroker kafka = KafkaBroker.start(kafkaDir);
        Progress.say("Kafka %s (log dir %s)", kafka.bootstrapServers(), kafka.logDir());
        Path checkpoints = var.resolve("flink-checkpoints");
        deleteTree(checkpoints);
        LocalFlinkCluster flink = LocalFlinkCluster.start("18081-18199", 8, checkpoints);
        Progress.say("Flink MiniCluster %s", flink.restAddress());
        return new BenchStack(home, runId, database, clickHouse, admin, sql, kafka, flink);
    }

    ClickHouseSinkOptions sinkOptions() {
        return ClickHouseSinkOptions.of(clickHouse.url(), database);
    }

    RuntimeOptions runtime() {
        return RuntimeOptions.defaults().withParallelism(JOB_PARALLELISM);
    }

    /** The landing job on this stack, reading {@code topic} from the earliest offset as consumer group {@code group}. */
    RawEventsJob.Options landingJob(String topic, String group) {
        return RawEventsJob.Options.of(kafka.bootstrapServers(), sinkOptions())
                .withTopics(topic, topic + "-dlq")
                .withGroupId(group + "-" + runId)
                .withStartingOffsets(StartingOffsets.EARLIEST)
                .withRuntime(runtime());
    }

    /** The KPI job on this stack, reading {@code topic} from the earliest offset, its EWT to {@code ewtTopic}. */
    KpiJob.Options kpiJob(String topic, String ewtTopic, String group) {
        return KpiJob.Options.of(kafka.bootstrapServers(), sinkOptions())
                .withTopics(topic, ewtTopic)
                .withGroupId(group + "-" + runId)
                .withStartingOffsets(StartingOffsets.EARLIEST)
                .withRuntime(runtime());
    }

    /** Runs every statement of a .sql resource with its placeholders filled. */
    void execute(String resource, Map<String, ?> values) {
        for (String statement : SqlResources.statements(SqlResources.load(resource))) {
            sql.execute(SqlTemplate.render(statement, values));
        }
    }

    String clickHouseVersion() {
        try {
            return sql.queryString(SqlResources.load("queries/bench_server_version.sql"));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Something a measurement started that must stop with the stack at the latest. */
    <T extends AutoCloseable> T own(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Stops what the run started; its database stays until the next run starts (see bench_leftover_databases.sql). */
    @Override
    public void close() {
        while (!opened.isEmpty()) closeQuietly(opened.pop());
        closeQuietly(flink);
        closeQuietly(kafka);
        closeQuietly(sql);
        closeQuietly(admin);
        closeQuietly(clickHouse);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            Progress.say("stopping %s failed: %s", c.getClass().getSimpleName(), e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
