package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster variant of the schema (sql/cluster/, see 000_database.sql there), checked on one server.
 *
 * <p>What runs on the local ClickHouse 18.16, which has no ZooKeeper: every statement, with exactly three changes —
 * {@code ON CLUSTER chatkpi_cluster} removed (distributed DDL needs ZooKeeper), {@code Replicated…MergeTree('path',
 * 'replica'[, args])} turned into {@code …MergeTree([args])} (replication needs ZooKeeper), and the database
 * {@code chatkpi} renamed to a fresh test database. The Distributed tables run as written, over the one-node cluster
 * {@code chatkpi_cluster} of the project's server config, and every query of sql/queries/ then runs through them.
 * The local tables must come out exactly like the single-node schema's tables. What runs on a current ClickHouse
 * (chdb, check-cluster-sql.js): every statement parsed as written, and run without ON CLUSTER with the Replicated
 * engines for real (an in-memory ZooKeeper). Not proved here: ON CLUSTER execution, replication between servers,
 * and sharding over more than one shard.
 */
@ExtendWith(ClickHouseExtension.class)
class ClusterSchemaTest {

    static final String CLUSTER = "chatkpi_cluster";
    private static final Path CHDB_DIR = Path.of("src", "test", "chdb");
    private static final Path SQL_ROOT = Path.of("src", "main", "resources", "sql");
    private static final Pattern ON_CLUSTER = Pattern.compile("\\s+ON\\s+CLUSTER\\s+" + CLUSTER + "\\b",
        Pattern.CASE_INSENSITIVE);
    private static final Pattern REPLICATED = Pattern.compile(
        "Replicated(\\w*MergeTree)\\(\\s*'[^']*'\\s*,\\s*'[^']*'\\s*(?:,\\s*)?");
    private static final Pattern DATABASE = Pattern.compile(
        "(?<=\\bDATABASE IF NOT EXISTS )chatkpi\\b|\\bchatkpi(?=\\.)|'chatkpi'");

    private static String clusterDatabase;
    private static ClickHouseClient admin;
    private static ClickHouseClient cluster;

    @BeforeAll
    static void applyTheClusterSchema(ClickHouseTestDatabase db) {
        admin = db.client().withDatabase(null);
        assertThat(admin.queryLong("SELECT count() FROM system.clusters WHERE cluster = '" + CLUSTER + "'"))
            .as("the server defines the one-node cluster " + CLUSTER + " (ingest's clickhouse/config.xml; a server "
                + "given by " + ClickHouseServer.URL_ENV + " must define it too)")
            .isEqualTo(1);
        clusterDatabase = "t_cluster_" + UUID.randomUUID().toString().substring(0, 8);
        cluster = db.client().withDatabase(clusterDatabase);
        for (String path : SqlResources.list("cluster")) {
            List<String> statements = SqlResources.statements(SqlResources.load(path));
            for (int i = 0; i < statements.size(); i++) {
                String statement = onOneServer(statements.get(i), clusterDatabase);
                try {
                    admin.execute(statement);
                } catch (RuntimeException e) {
                    fail("ClickHouse 18.16 rejects " + path + " statement " + (i + 1) + ":\n" + statement + "\n-> "
                        + e.getMessage(), e);
                }
            }
        }
    }

    @AfterAll
    static void dropTheClusterDatabase() {
        if (admin != null && clusterDatabase != null) {
            admin.execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(clusterDatabase));
        }
    }

    /** The statement as this ZooKeeper-less server can run it (see the class comment: exactly these changes). */
    static String onOneServer(String statement, String database) {
        String s = ON_CLUSTER.matcher(statement).replaceAll("");
        s = REPLICATED.matcher(s).replaceAll("$1(");
        Matcher m = DATABASE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(
                m.group().startsWith("'") ? "'" + database + "'" : database));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Test
    void theSwapsAreOnlyTheOnesZooKeeperForces() {
        assertThat(onOneServer("CREATE TABLE IF NOT EXISTS chatkpi.t_local ON CLUSTER chatkpi_cluster (x UInt8, "
            + "version UInt64) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/t_local', "
            + "'{replica}', version) ORDER BY x", "db1"))
            .isEqualTo("CREATE TABLE IF NOT EXISTS db1.t_local (x UInt8, version UInt64) ENGINE = "
                + "ReplacingMergeTree(version) ORDER BY x");
        assertThat(onOneServer("CREATE TABLE chatkpi.t ON CLUSTER chatkpi_cluster AS chatkpi.t_local ENGINE = "
            + "Distributed('chatkpi_cluster', 'chatkpi', 't_local', cityHash64(x))", "db1"))
            .isEqualTo("CREATE TABLE db1.t AS db1.t_local ENGINE = Distributed('chatkpi_cluster', 'db1', 't_local', "
                + "cityHash64(x))");
        assertThat(onOneServer("ENGINE = ReplicatedReplacingMergeTree('/p/{shard}/x', '{replica}')", "db1"))
            .isEqualTo("ENGINE = ReplacingMergeTree()");
        assertThat(onOneServer("CREATE DATABASE IF NOT EXISTS chatkpi ON CLUSTER chatkpi_cluster", "db1"))
            .isEqualTo("CREATE DATABASE IF NOT EXISTS db1");
    }

    @Test
    void everyTableOfTheSingleNodeSchemaHasALocalTableJustLikeItAndADistributedTableOfItsName(
        ClickHouseTestDatabase db) {
        Map<String, String> singleNode = tables(db.database());
        Map<String, String> clustered = tables(clusterDatabase);
        singleNode.remove("schema_migrations"); // the migrator's bookkeeping: the cluster files are applied by hand
        assertThat(singleNode).isNotEmpty();
        for (String table : singleNode.keySet()) {
            assertThat(clustered.get(table)).as(table).isEqualTo("Distributed");
            assertThat(clustered.get(table + "_local")).as(table + "_local").isEqualTo(singleNode.get(table));
            assertThat(createStatement(clusterDatabase, table + "_local").replace(table + "_local", table))
                .as("columns, engine, PARTITION BY and ORDER BY of " + table + "_local against the single-node "
                    + "schema/ table")
                .isEqualTo(createStatement(db.database(), table));
            assertThat(createStatement(clusterDatabase, table))
                .as(table + " is Distributed over " + CLUSTER + " with a sharding key")
                .contains("Distributed('" + CLUSTER + "', '" + clusterDatabase + "', '" + table + "_local', cityHash64(");
            assertThat(columns(clusterDatabase, table)).as(table + " columns").isEqualTo(columns(db.database(), table));
        }
        assertThat(clustered).hasSize(2 * singleNode.size());
    }

    @Test
    void rowsWrittenThroughTheDistributedTablesAreReadBackWithFinal() {
        cluster.execute("INSERT INTO sessions (sessionId, queueId, startedAt, startedAtMs, status, version) VALUES "
            + "('s1', 'billing', '2026-03-02 09:00:00', 1772442000000, 'WAITING', 1)");
        cluster.execute("INSERT INTO sessions (sessionId, queueId, repId, startedAt, startedAtMs, status, version) "
            + "VALUES ('s1', 'billing', 'r1', '2026-03-02 09:00:00', 1772442000000, 'ACTIVE', 2)");
        // only s1's rows: the query test below runs every resource, INSERTs included, on the same tables
        assertThat(cluster.queryLong("SELECT count() FROM sessions_local WHERE sessionId = 's1'"))
            .as("landed in the shard's table")
            .isEqualTo(2);
        assertThat(cluster.queryString("SELECT status FROM sessions FINAL WHERE sessionId = 's1'")).isEqualTo("ACTIVE");
    }

    @Test
    void everyQueryOfTheProjectRunsThroughTheDistributedTables() {
        cluster.execute("INSERT INTO kpi_facts (factId, sessionId, kind, at, atMs, queueId, repId, valueMs, detail, "
            + "flag, version, deleted) VALUES ('s2/ANSWERED/e1', 's2', 'ANSWERED', '2023-11-14 22:13:20', "
            + "1700000000000, 'sample', 'sample', 30000, '', 1, 1, 0)");
        int queries = 0;
        List<String> paths = SqlResources.list("queries").stream()
            // the migrator's own bookkeeping: the cluster files are applied by hand, not by Schema.migrate
            .filter(p -> !p.startsWith("queries/schema_migrations_")).toList();
        for (String path : paths) {
            for (String statement : SqlResources.statements(SqlResources.load(path))) {
                String sql = SqlTemplate.render(statement, SqlCompatibilityTest.samples(statement));
                try {
                    if (sql.stripLeading().toUpperCase(java.util.Locale.ROOT).startsWith("SELECT")) {
                        cluster.queryJson(sql);
                    } else {
                        cluster.execute(sql);
                    }
                } catch (RuntimeException e) {
                    fail("through the Distributed tables, ClickHouse 18.16 rejects " + path + ":\n" + sql + "\n-> "
                        + e.getMessage(), e);
                }
                queries++;
            }
        }
        assertThat(paths).hasSizeGreaterThan(3);
        assertThat(queries).isGreaterThanOrEqualTo(paths.size());
        String kpiSeries = SqlResources.load("queries/kpi_series.sql");
        Map<String, Object> values = SqlCompatibilityTest.samples(kpiSeries);
        values.put("from", java.time.Instant.ofEpochSecond(1_699_999_000L));
        values.put("to", java.time.Instant.ofEpochSecond(1_700_001_000L));
        // the fact inserted above only: the resources run before (the bench's INSERTs) add rows of other queues
        values.put("queueIds", List.of("sample"));
        values.put("repIds", List.of());
        List<JsonNode> series = cluster.queryJson(SqlTemplate.render(kpiSeries, values));
        assertThat(series).as("kpi_series over the Distributed kpi_facts finds the fact").hasSize(1);
        assertThat(series.get(0).path("answered").asText()).isEqualTo("1");
    }

    @Test
    void everyClusterStatementParsesAndRunsWithItsReplicatedEnginesOnACurrentClickHouse() throws Exception {
        NodeRun run = checkClusterSql(SQL_ROOT);
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("all passed").contains("in " + SqlResources.list("cluster").size() + " files");
    }

    @Test
    void theCurrentClickHouseCheckFailsOnABrokenClusterStatement(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("cluster"));
        Files.writeString(root.resolve("cluster/001_broken.sql"),
            "CREATE TABLE t_local ON CLUSTER chatkpi_cluster (x UInt8) ENGINE = ReplicatedReplacingMergeTree("
                + "'/clickhouse/tables/{nosuchmacro}/t', '{replica}') ORDER BY x;\n");
        NodeRun run = checkClusterSql(root);
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("FAILED cluster/001_broken.sql statement 1").contains("nosuchmacro");
    }

    private static Map<String, String> tables(String database) {
        Map<String, String> engines = new LinkedHashMap<>();
        for (JsonNode row : admin.queryJson("SELECT name, engine FROM system.tables WHERE database = "
            + SqlLiteral.string(database) + " ORDER BY name")) {
            engines.put(row.path("name").asText(), row.path("engine").asText());
        }
        return engines;
    }

    private static String createStatement(String database, String table) {
        return admin.queryString("SHOW CREATE TABLE " + SqlLiteral.identifier(database) + "."
            + SqlLiteral.identifier(table)).replace(database + ".", "");
    }

    private static List<String> columns(String database, String table) {
        List<String> columns = new ArrayList<>();
        for (JsonNode row : admin.queryJson("DESCRIBE TABLE " + SqlLiteral.identifier(database) + "."
            + SqlLiteral.identifier(table))) {
            columns.add(row.path("name").asText() + " " + row.path("type").asText());
        }
        return columns;
    }

    private record NodeRun(int exitCode, String output) {
    }

    private static NodeRun checkClusterSql(Path sqlRoot) throws IOException, InterruptedException {
        if (!Files.isDirectory(CHDB_DIR.resolve("node_modules").resolve("chdb"))) {
            fail("the npm package chdb is not installed in " + CHDB_DIR.toAbsolutePath()
                + ": run ./chatkpi test (it runs `npm ci` there), or `npm ci` in that directory yourself");
        }
        Process process = new ProcessBuilder("node", CHDB_DIR.resolve("check-cluster-sql.js").toString(),
            sqlRoot.toAbsolutePath().toString()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("check-cluster-sql.js did not finish within 120 s:\n" + output);
        }
        return new NodeRun(process.exitValue(), output);
    }
}
