package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClickHouseExtension.class)
class SchemaTest {

    private static final String TABLES = "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name";

    @Test
    void theExtensionsDatabaseHasTheWholeSchema(ClickHouseTestDatabase db) {
        List<String> tables = db.client().queryJson(TABLES).stream().map(r -> r.get("name").asText()).toList();
        assertThat(tables).contains("schema_migrations", "session_events", "rejected_events", "sessions",
            "kpi_facts", "queue_ewt", "ewt_accuracy");
        List<Integer> all = SqlResources.schema().stream().map(SqlResources.Migration::version).toList();
        assertThat(Schema.appliedVersions(db.client(), db.database())).isEqualTo(all);
    }

    @Test
    void migratingAgainIsANoOpAndANewDatabaseGetsEverything(ClickHouseTestDatabase db) {
        assertThat(Schema.migrate(db.client(), db.database())).isEmpty();
        assertThat(db.client().queryLong("SELECT count() FROM schema_migrations"))
            .isEqualTo(SqlResources.schema().size());

        String other = "t_schema_" + UUID.randomUUID().toString().substring(0, 8);
        try {
            List<Integer> applied = Schema.migrate(db.client(), other);
            assertThat(applied).isEqualTo(SqlResources.schema().stream().map(SqlResources.Migration::version)
                .toList());
            assertThat(Schema.migrate(db.client(), other)).isEmpty();
        } finally {
            db.client().withDatabase(null).execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(other));
        }
    }

    @Test
    void upgradingFillsKpiRollupFromTheFactsAlreadyThere(ClickHouseTestDatabase db) {
        String other = "t_upgrade_" + UUID.randomUUID().toString().substring(0, 8);
        List<SqlResources.Migration> all = SqlResources.schema();
        int rollup = all.stream().map(SqlResources.Migration::version).toList().indexOf(4);
        try {
            // a database of the version before kpi_rollup, with facts (one replaced, one retracted)
            Schema.migrate(db.client(), other, all.subList(0, rollup));
            ClickHouseClient c = db.client().withDatabase(other);
            c.execute("INSERT INTO kpi_facts (factId, sessionId, kind, at, atMs, queueId, repId, valueMs, detail, "
                + "flag, version, deleted) VALUES "
                + "('s1/ANSWERED/e1', 's1', 'ANSWERED', toDateTime(1793527620, 'UTC'), 1793527620000, 'billing', 'r1', "
                + "45000, '', 1, 3, 0), "
                + "('s1/ANSWERED/e1', 's1', 'ANSWERED', toDateTime(1793527620, 'UTC'), 1793527620000, 'billing', 'r1', "
                + "46000, '', 1, 4, 0), "
                + "('s2/ANSWERED/e2', 's2', 'ANSWERED', toDateTime(1793527680, 'UTC'), 1793527680000, 'billing', 'r2', "
                + "1000, '', 0, 1, 0), "
                + "('s3/ANSWERED/e3', 's3', 'ANSWERED', toDateTime(1793527680, 'UTC'), 1793527680000, 'tech', 'r3', "
                + "9, '', 1, 2, 1)");
            assertThat(Schema.migrate(db.client(), other)).contains(4);
            List<String> rows = c.queryJson("SELECT grain, queueId, repId, flag, facts, valueSumMs, valueMaxMs, "
                    + "histCounts, version FROM kpi_rollup FINAL ORDER BY grain, queueId, repId, flag")
                .stream().map(r -> r.get("grain").asInt() + " " + r.get("queueId").asText() + " "
                    + r.get("repId").asText() + " " + r.get("flag").asInt() + " " + r.get("facts").asLong() + " "
                    + r.get("valueSumMs").asLong() + " " + r.get("valueMaxMs").asLong() + " "
                    + r.get("histCounts") + " " + r.get("version").asLong())
                .toList();
            // s1's later version (46,000 ms) counts, s3's retracted fact does not; version 0: the job's rows win
            assertThat(rows).containsExactly(
                "0   0 1 1000 1000 [\"1\"] 0", "0   1 1 46000 46000 [\"1\"] 0",
                "1 billing  0 1 1000 1000 [\"1\"] 0", "1 billing  1 1 46000 46000 [\"1\"] 0",
                "2 billing r1 1 1 46000 46000 [\"1\"] 0", "2 billing r2 0 1 1000 1000 [\"1\"] 0");
        } finally {
            db.client().withDatabase(null).execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(other));
        }
    }

    @Test
    void upgradingFillsKpiRollupCoarseFromTheRollupRowsAlreadyThere(ClickHouseTestDatabase db) {
        String other = "t_coarse_" + UUID.randomUUID().toString().substring(0, 8);
        List<SqlResources.Migration> all = SqlResources.schema();
        int coarse = all.stream().map(SqlResources.Migration::version).toList().indexOf(5);
        try {
            Schema.migrate(db.client(), other, all.subList(0, coarse));
            ClickHouseClient c = db.client().withDatabase(other);
            // two slots of 2026-11-01 01:00 (one rewritten with a higher version), one of 02:00; a row at facts 0
            c.execute("INSERT INTO kpi_rollup (grain, slot, queueId, repId, kind, detail, flag, facts, valueCount, "
                + "valueSumMs, valueMaxMs, histKeys, histCounts, version) VALUES "
                + "(0, toDateTime(1793494800, 'UTC'), '', '', 'ANSWERED', '', 0, 1, 1, 500, 500, [314], [1], 1), "
                + "(0, toDateTime(1793494800, 'UTC'), '', '', 'ANSWERED', '', 0, 2, 2, 1500, 1000, [314, 349], "
                + "[1, 1], 2), "
                + "(0, toDateTime(1793495700, 'UTC'), '', '', 'ANSWERED', '', 0, 2, 2, 4000, 3000, [349, 404], "
                + "[1, 1], 3), "
                + "(0, toDateTime(1793496600, 'UTC'), '', '', 'ANSWERED', '', 0, 0, 0, 0, 0, [], [], 4), "
                + "(0, toDateTime(1793498400, 'UTC'), '', '', 'ANSWERED', '', 0, 1, 1, 20, 20, [151], [1], 1)");
            assertThat(Schema.migrate(db.client(), other)).containsExactly(5);
            // the histogram packed as key * 2^40 + count
            List<String> rows = c.queryJson("SELECT span, toUInt32(slot) AS at, facts, valueSumMs, valueMaxMs, "
                    + "arrayMap(x -> toUInt32(bitShiftRight(x, 40)), histogram) AS keys, "
                    + "arrayMap(x -> toUInt32(bitAnd(x, 1099511627775)), histogram) AS counts, "
                    + "histogram[1] = bitShiftLeft(toUInt64(arrayElement(keys, 1)), 40) + arrayElement(counts, 1) "
                    + "AS packed, version FROM kpi_rollup_coarse FINAL ORDER BY span, slot")
                .stream().map(r -> r.get("span").asInt() + " " + r.get("at").asLong() + " " + r.get("facts").asLong()
                    + " " + r.get("valueSumMs").asLong() + " " + r.get("valueMaxMs").asLong() + " "
                    + r.get("keys") + r.get("counts") + " " + r.get("packed").asInt() + " " + r.get("version").asLong())
                .toList();
            assertThat(rows).containsExactly(
                "3600 1793494800 4 5500 3000 [314,349,404][1,2,1] 1 9",
                "3600 1793498400 1 20 20 [151][1] 1 1",
                "86400 1793491200 5 5520 3000 [151,314,349,404][1,1,2,1] 1 10");
        } finally {
            db.client().withDatabase(null).execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(other));
        }
    }

    @Test
    void anInterruptedMigrationIsCompletedOnTheNextRun(ClickHouseTestDatabase db) {
        String other = "t_partial_" + UUID.randomUUID().toString().substring(0, 8);
        List<SqlResources.Migration> all = SqlResources.schema();
        try {
            // as if the process died after 001 had created its tables but before 002
            Schema.migrate(db.client(), other, all.subList(0, 2));
            assertThat(Schema.appliedVersions(db.client(), other)).containsExactly(0, 1);
            assertThat(Schema.migrate(db.client(), other)).isEqualTo(
                all.subList(2, all.size()).stream().map(SqlResources.Migration::version).toList());
        } finally {
            db.client().withDatabase(null).execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(other));
        }
    }
}
