package io.chatkpi.jobs.e2e;

import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.Schema;
import io.chatkpi.ingest.stack.SqlLiteral;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.ingest.stack.SqlTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.EnumSet;
import java.util.Map;

/**
 * The kpi_rollup a job wrote against the reference definition of every row: {@code kpi_rollup_rebuild.sql} run over
 * the same database's final {@code kpi_facts}, copied into a scratch database (the rebuild writes {@code kpi_rollup}
 * of the database it runs in, and ReplacingMergeTree would keep the job's higher versions). Rows compared as
 * {@link TableRows.Table#KPI_ROLLUP} reads them: FINAL, facts ≠ 0, without version. Then kpi_rollup_coarse against
 * {@code kpi_rollup_coarse_rebuild.sql} over that rebuilt kpi_rollup, the same way; the job writes it a poll after
 * kpi_rollup, so it is read again until it agrees or {@link #COARSE_WAIT} has passed.
 */
final class RollupRebuild {

    /** Every slot: the rebuild recomputes the slots in [from, to). */
    private static final Instant FROM = Instant.EPOCH;
    private static final Instant TO = Instant.parse("2100-01-01T00:00:00Z");

    private static final Duration COARSE_WAIT = Duration.ofSeconds(60);
    private static final String COARSE_ROWS = "SELECT span, grain, slot, queueId, repId, kind, detail, flag, facts,"
            + " valueCount, valueSumMs, valueMaxMs, histogram FROM kpi_rollup_coarse FINAL WHERE facts != 0";

    private RollupRebuild() {}

    /** Null when the kpi_rollup of {@code database} is the rebuild of its kpi_facts; else the differences. */
    static String differences(ClickHouseClient admin, String database) {
        String scratch = database + "_rebuild";
        try {
            Schema.migrate(admin, scratch);
            ClickHouseClient rebuilt = admin.withDatabase(scratch);
            rebuilt.execute("INSERT INTO kpi_facts SELECT * FROM " + SqlLiteral.identifier(database) + ".kpi_facts");
            rebuilt.execute(SqlTemplate.render(SqlResources.load("queries/kpi_rollup_rebuild.sql"),
                    Map.of("from", FROM, "to", TO, "version", 1L)));
            TableRows expected = TableRows.read(rebuilt, EnumSet.of(TableRows.Table.KPI_ROLLUP));
            if (expected.rows(TableRows.Table.KPI_ROLLUP).isEmpty()) {
                return "the rebuild gave no kpi_rollup rows";
            }
            TableRows written = TableRows.read(admin.withDatabase(database), EnumSet.of(TableRows.Table.KPI_ROLLUP));
            String diff = written.differencesFrom(expected);
            if (diff != null) {
                return "kpi_rollup differs from kpi_rollup_rebuild.sql over kpi_facts:" + diff;
            }
            rebuilt.execute(SqlTemplate.render(SqlResources.load("queries/kpi_rollup_coarse_rebuild.sql"),
                    Map.of("from", FROM, "to", TO)));
            List<String> expectedCoarse = sortedRows(rebuilt, COARSE_ROWS);
            if (expectedCoarse.isEmpty()) {
                return "the rebuild gave no kpi_rollup_coarse rows";
            }
            long deadline = System.nanoTime() + COARSE_WAIT.toNanos();
            List<String> writtenCoarse = sortedRows(admin.withDatabase(database), COARSE_ROWS);
            while (!writtenCoarse.equals(expectedCoarse) && System.nanoTime() < deadline) {
                sleep();
                writtenCoarse = sortedRows(admin.withDatabase(database), COARSE_ROWS);
            }
            if (writtenCoarse.equals(expectedCoarse)) {
                return null;
            }
            List<String> missing = new ArrayList<>(expectedCoarse);
            missing.removeAll(writtenCoarse);
            List<String> extra = new ArrayList<>(writtenCoarse);
            extra.removeAll(expectedCoarse);
            return "kpi_rollup_coarse differs from kpi_rollup_coarse_rebuild.sql over kpi_rollup: missing "
                    + missing.subList(0, Math.min(5, missing.size())) + " (" + missing.size() + "), not expected "
                    + extra.subList(0, Math.min(5, extra.size())) + " (" + extra.size() + ")";
        } finally {
            admin.execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(scratch));
        }
    }

    private static List<String> sortedRows(ClickHouseClient client, String sql) {
        List<String> rows = new ArrayList<>();
        client.query(sql, row -> rows.add(row.toString()));
        Collections.sort(rows);
        return rows;
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
