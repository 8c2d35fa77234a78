package io.chatkpi.jobs.e2e;

import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.Schema;
import io.chatkpi.ingest.stack.SqlLiteral;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.ingest.stack.SqlTemplate;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;

/**
 * The kpi_rollup a job wrote against the reference definition of every row: {@code kpi_rollup_rebuild.sql} run over
 * the same database's final {@code kpi_facts}, copied into a scratch database (the rebuild writes {@code kpi_rollup}
 * of the database it runs in, and ReplacingMergeTree would keep the job's higher versions). Rows compared as
 * {@link TableRows.Table#KPI_ROLLUP} reads them: FINAL, facts ≠ 0, without version.
 */
final class RollupRebuild {

    /** Every slot: the rebuild recomputes the slots in [from, to). */
    private static final Instant FROM = Instant.EPOCH;
    private static final Instant TO = Instant.parse("2100-01-01T00:00:00Z");

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
            return diff == null ? null : "kpi_rollup differs from kpi_rollup_rebuild.sql over kpi_facts:" + diff;
        } finally {
            admin.execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(scratch));
        }
    }
}
