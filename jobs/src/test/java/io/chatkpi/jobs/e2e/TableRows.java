package io.chatkpi.jobs.e2e;

import io.chatkpi.ingest.stack.ClickHouseClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole row sets of the tables the landing and KPI jobs write, read the same way from any database so that a
 * streaming run and a replay can be compared row by row (sorted JSON of each row).
 *
 * <p>What each comparison leaves out, and why:
 * <ul>
 *   <li>{@code session_events}: where and when a row was landed ({@code ingestedAt}, {@code sourcePartition},
 *       {@code sourceOffset}: a Kafka position vs a file line); the end-of-traffic sessions;</li>
 *   <li>{@code rejected_events}: {@code rejectId}, {@code source}, {@code ingestedAt} (positions again);</li>
 *   <li>{@code kpi_facts}: the {@code version} a fact was emitted with, which is the session's event count at that
 *       moment and so depends on how watermarks batched the events (retracted rows, {@code deleted = 1}, are not
 *       facts). {@code sessions} keeps its version: the final one is the session's distinct event count;</li>
 *   <li>{@code kpi_rollup}: the {@code version} (the number of changes a row saw, which depends on the batching
 *       like the facts' versions) and the rows that fell to {@code facts = 0} (a row the facts left; the rebuild
 *       from kpi_facts has no such row).</li>
 * </ul>
 * Everything else is compared, every column, after {@code FINAL}.
 */
final class TableRows {

    enum Table {
        SESSIONS("sessions", "SELECT * FROM sessions FINAL"),
        KPI_FACTS("kpi_facts", "SELECT factId, sessionId, kind, at, atMs, queueId, repId, valueMs, detail, flag"
                + " FROM kpi_facts FINAL WHERE deleted = 0"),
        KPI_ROLLUP("kpi_rollup", "SELECT grain, slot, queueId, repId, kind, detail, flag, facts, valueCount,"
                + " valueSumMs, valueMaxMs, histKeys, histCounts FROM kpi_rollup FINAL WHERE facts != 0"),
        QUEUE_EWT("queue_ewt", "SELECT * FROM queue_ewt FINAL"),
        EWT_ACCURACY("ewt_accuracy", "SELECT * FROM ewt_accuracy FINAL"),
        SESSION_EVENTS("session_events", "SELECT eventId, sessionId, type, ts, tsMs, channel, topic, queueId, repId,"
                + " sender, byActor, reason, caseCreated FROM session_events FINAL"
                + " WHERE sessionId NOT LIKE '" + SimulatedTraffic.END_OF_TRAFFIC_PREFIX + "%'"),
        REJECTED_EVENTS("rejected_events", "SELECT raw, reason FROM rejected_events FINAL");

        final String table;
        final String select;

        Table(String table, String select) {
            this.table = table;
            this.select = select;
        }

        String countSql() {
            return "SELECT count() FROM (" + select + ")";
        }
    }

    private final Map<Table, List<String>> rows;

    private TableRows(Map<Table, List<String>> rows) {
        this.rows = rows;
    }

    static final Set<Table> LANDING = EnumSet.of(Table.SESSION_EVENTS, Table.REJECTED_EVENTS);
    static final Set<Table> KPIS = EnumSet.complementOf(EnumSet.copyOf(LANDING));

    static TableRows read(ClickHouseClient client) {
        return read(client, EnumSet.allOf(Table.class));
    }

    static TableRows read(ClickHouseClient client, Set<Table> tables) {
        Map<Table, List<String>> rows = new EnumMap<>(Table.class);
        for (Table t : tables) {
            List<String> list = new ArrayList<>();
            client.query(t.select, row -> list.add(row.toString()));
            Collections.sort(list);
            rows.put(t, List.copyOf(list));
        }
        return new TableRows(rows);
    }

    /** Row counts as the comparison sees them: cheap to poll while a job is still writing. */
    static Map<Table, Long> counts(ClickHouseClient client, Set<Table> tables) {
        Map<Table, Long> counts = new EnumMap<>(Table.class);
        for (Table t : tables) {
            counts.put(t, client.queryLong(t.countSql()));
        }
        return counts;
    }

    Set<Table> tables() {
        return rows.keySet();
    }

    /** The same rows, of these tables only. */
    TableRows only(Set<Table> tables) {
        Map<Table, List<String>> some = new EnumMap<>(Table.class);
        tables.forEach(t -> some.put(t, rows(t)));
        return new TableRows(some);
    }

    List<String> rows(Table t) {
        return rows.get(t);
    }

    Map<Table, Long> counts() {
        Map<Table, Long> counts = new EnumMap<>(Table.class);
        rows.forEach((t, r) -> counts.put(t, (long) r.size()));
        return counts;
    }

    /** Null when equal; else, per table that differs, the counts and a few rows missing and extra. */
    String differencesFrom(TableRows expected) {
        StringBuilder out = new StringBuilder();
        if (!tables().equals(expected.tables())) {
            return "tables " + tables() + " compared with " + expected.tables();
        }
        for (Table t : expected.tables()) {
            List<String> want = expected.rows(t);
            List<String> got = rows(t);
            if (want.equals(got)) {
                continue;
            }
            Map<String, Integer> balance = new HashMap<>();
            want.forEach(r -> balance.merge(r, 1, Integer::sum));
            got.forEach(r -> balance.merge(r, -1, Integer::sum));
            List<String> missing = new ArrayList<>();
            List<String> extra = new ArrayList<>();
            balance.forEach((r, n) -> {
                for (int i = 0; i < Math.abs(n); i++) {
                    (n > 0 ? missing : extra).add(r);
                }
            });
            Collections.sort(missing);
            Collections.sort(extra);
            out.append(String.format("%n%s: expected %d rows, found %d; %d missing, %d extra", t.table, want.size(),
                    got.size(), missing.size(), extra.size()));
            missing.stream().limit(5).forEach(r -> out.append("\n  missing ").append(r));
            extra.stream().limit(5).forEach(r -> out.append("\n  extra   ").append(r));
        }
        return out.isEmpty() ? null : out.toString();
    }

    @Override
    public String toString() {
        return counts().toString();
    }
}
