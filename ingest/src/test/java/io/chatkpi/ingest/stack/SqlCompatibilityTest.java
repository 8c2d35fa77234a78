package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SQL resource runs on both engines chatkpi supports: the local ClickHouse 18.16 (the extension's server) and a
 * current ClickHouse (chdb, driven by ingest/src/test/chdb/check-sql.js). Both fill query placeholders with samples
 * of their declared type (see {@link SqlTemplate}). The cluster variant of the schema, sql/cluster/, is not run here:
 * it needs a cluster and ZooKeeper, so {@link ClusterSchemaTest} checks it with the substitutions it documents.
 */
@ExtendWith(ClickHouseExtension.class)
class SqlCompatibilityTest {

    private static final Path CHDB_DIR = Path.of("src", "test", "chdb");
    private static final Path SQL_ROOT = Path.of("src", "main", "resources", "sql");

    @Test
    void everySchemaStatementAndQueryRunsOnTheLocalServer(ClickHouseTestDatabase db) {
        // statement by statement on an empty database (not through Schema.migrate), so a failure names its statement
        String database = "t_compat_" + UUID.randomUUID().toString().substring(0, 8);
        ClickHouseClient admin = db.client().withDatabase(null);
        admin.execute("CREATE DATABASE " + SqlLiteral.identifier(database));
        ClickHouseClient client = db.client().withDatabase(database);
        int statements = 0;
        try {
            for (SqlResources.Migration migration : SqlResources.schema()) {
                statements += runEach(client, migration.path(), migration.sql(), false);
            }
            for (String query : SqlResources.list("queries")) {
                String sql = SqlResources.load(query);
                statements += runEach(client, query, sql, true);
                // and without each optional section, as the API may send it (SqlTemplate.without)
                for (String section : SqlTemplate.sections(sql)) {
                    statements += runEach(client, query + " without " + section, SqlTemplate.without(sql, section),
                        true);
                }
            }
        } finally {
            admin.execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(database));
        }
        assertThat(statements).isGreaterThanOrEqualTo(SqlResources.schema().size());
    }

    private static int runEach(ClickHouseClient client, String path, String sql, boolean isQuery) {
        List<String> statements = SqlResources.statements(sql);
        for (int i = 0; i < statements.size(); i++) {
            String statement = SqlTemplate.render(statements.get(i), samples(statements.get(i)));
            try {
                if (isQuery && returnsRows(statement)) {
                    client.queryJson(statement);
                } else {
                    client.execute(statement);
                }
            } catch (RuntimeException e) {
                fail("ClickHouse 18.16 rejects " + path + " statement " + (i + 1) + ":\n" + statement + "\n-> "
                    + e.getMessage(), e);
            }
        }
        return statements.size();
    }

    private static boolean returnsRows(String statement) {
        String s = statement.stripLeading().toUpperCase(java.util.Locale.ROOT);
        return s.startsWith("SELECT") || s.startsWith("WITH") || s.startsWith("SHOW") || s.startsWith("DESCRIBE");
    }

    /** A sample value for each placeholder, of its declared type; check-sql.js uses the same samples. */
    static Map<String, Object> samples(String sql) {
        Map<String, Object> values = new LinkedHashMap<>();
        SqlTemplate.placeholders(sql).forEach((name, type) -> values.put(name, sample(type)));
        return values;
    }

    private static Object sample(String type) {
        if (type.startsWith("Nullable(")) {
            return sample(type.substring(9, type.length() - 1));
        }
        if (type.startsWith("Array(")) {
            return List.of(sample(type.substring(6, type.length() - 1)));
        }
        if (type.matches("U?Int(8|16|32|64)")) {
            return 1L;
        }
        return switch (type) {
            case "String" -> "sample";
            case "Float32", "Float64" -> 1.5;
            case "DateTime" -> Instant.ofEpochSecond(1_700_000_000L);
            case "Date" -> LocalDate.of(2023, 11, 14);
            default -> throw new IllegalArgumentException("unsupported placeholder type " + type);
        };
    }

    @Test
    void everySchemaStatementAndQueryRunsOnACurrentClickHouse() throws Exception {
        NodeRun run = checkSql(SQL_ROOT);
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("all passed").contains("schema statements in "
            + SqlResources.schema().size() + " files");
    }

    @Test
    void theCurrentClickHouseCheckFailsOnBadSqlAndNamesIt(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("schema"));
        Files.createDirectories(root.resolve("queries"));
        Files.writeString(root.resolve("schema/001_ok.sql"),
            "-- fine\nCREATE TABLE t (x UInt64, at DateTime('UTC')) ENGINE = MergeTree() ORDER BY x;\n");
        Files.writeString(root.resolve("queries/broken.sql"),
            "SELECT count() FROM t WHERE x > {{min:UInt64}};\nSELECT nosuchfunction(x) FROM t\n");
        NodeRun run = checkSql(root);
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("FAILED queries/broken.sql statement 2").contains("nosuchfunction");
    }

    private record NodeRun(int exitCode, String output) {
    }

    private static NodeRun checkSql(Path sqlRoot) throws IOException, InterruptedException {
        if (!Files.isDirectory(CHDB_DIR.resolve("node_modules").resolve("chdb"))) {
            fail("the npm package chdb is not installed in " + CHDB_DIR.toAbsolutePath()
                + ": run ./chatkpi test (it runs `npm ci` there), or `npm ci` in that directory yourself");
        }
        List<String> command = new ArrayList<>(List.of("node", CHDB_DIR.resolve("check-sql.js").toString(),
            sqlRoot.toAbsolutePath().toString()));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("cannot run node (Node.js is needed for the current-ClickHouse SQL check): " + e.getMessage());
            throw e;
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("check-sql.js did not finish within 120 s:\n" + output);
        }
        return new NodeRun(process.exitValue(), output);
    }
}
