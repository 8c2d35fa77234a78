package io.chatkpi.api;

import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.SqlLiteral;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.ingest.stack.SqlTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/**
 * Rows the tests put into kpi_facts, sessions and ewt_accuracy, kept in Java too so that expected figures are
 * computed independently of the API's SQL. Includes rewritten facts (a higher version wins) and retracted ones
 * (deleted = 1), which the API must not count.
 */
public final class KpiFixture {

    /** A fact as the jobs write it; only the newest version of a factId counts, and not when deleted. */
    public record Fact(String factId, String sessionId, String kind, Instant at, String queueId, String repId,
                       Long valueMs, String detail, int flag, long version, int deleted) {}

    /** The session fields the tests look at. */
    public record Session(String sessionId, String queueId, String repId, Instant startedAt, String status,
                          int abandoned, long waitMs) {}

    /** One QUEUED with its estimate and outcome. */
    public record Accuracy(String queueId, String sessionId, Instant queuedAt, Long predictedMs, Long actualMs,
                           int abandoned) {}

    public static final List<String> QUEUES = List.of("billing", "tech");
    public static final List<String> REPS = List.of("rep-1", "rep-2", "rep-3");
    static final List<String> KINDS = List.of("STARTED", "QUEUED", "JOINED", "ANSWERED", "ABANDONED", "NOT_ROUTED",
            "CASE_CREATED", "ENDED", "FIRST_RESPONSE", "REP_RESPONSE", "HANDLE", "ACW", "INACTIVE", "REACTIVATED",
            "ENDED_AFTER_INACTIVITY");

    public final List<Fact> facts = new ArrayList<>();
    public final List<Session> sessions = new ArrayList<>();
    public final List<Accuracy> accuracy = new ArrayList<>();

    /** Facts spread over [from, to), a fixed seed so failures reproduce. */
    public static KpiFixture generate(Instant from, Instant to, int count, long seed) {
        KpiFixture f = new KpiFixture();
        Random rnd = new Random(seed);
        long span = to.getEpochSecond() - from.getEpochSecond();
        for (int i = 0; i < count; i++) {
            String kind = KINDS.get(rnd.nextInt(KINDS.size()));
            Instant at = from.plusSeconds((long) (rnd.nextDouble() * span));
            String session = "s-" + rnd.nextInt(count / 3 + 1);
            String queue = QUEUES.get(rnd.nextInt(QUEUES.size()));
            String rep = REPS.get(rnd.nextInt(REPS.size()));
            Long value = switch (kind) {
                case "ANSWERED", "FIRST_RESPONSE", "REP_RESPONSE", "HANDLE", "ACW" -> (long) rnd.nextInt(600_000);
                default -> null;
            };
            String detail = switch (kind) {
                case "NOT_ROUTED" -> List.of("NO_REP_AVAILABLE", "OUTSIDE_HOURS", "OTHER").get(rnd.nextInt(3));
                case "ENDED" -> List.of("END_USER", "REP", "SYSTEM").get(rnd.nextInt(3));
                case "INACTIVE" -> rnd.nextBoolean() ? "AUTO" : "REP";
                default -> "";
            };
            int flag = switch (kind) {
                case "ANSWERED" -> value != null && value <= 60_000 ? 1 : 0;
                case "INACTIVE" -> detail.equals("AUTO") ? 1 : 0;
                default -> 0;
            };
            String factId = session + "/" + kind + "/" + i;
            f.facts.add(new Fact(factId, session, kind, at, queue, rep, value, detail, flag, 1, 0));
            int fate = rnd.nextInt(20);
            if (fate == 0) {
                // retracted by a late event
                f.facts.add(new Fact(factId, session, kind, at, queue, rep, value, detail, flag, 2, 1));
            } else if (fate == 1 && value != null) {
                // rewritten with another value
                f.facts.add(new Fact(factId, session, kind, at, queue, rep, value + 1234, detail, flag, 3, 0));
            }
        }
        f.facts.addAll(sessionFacts(f.effectiveFacts()));
        return f;
    }

    /** The kinds whose distinct sessions the API counts, each through SESSION_K facts (ROLLUP.md). */
    public static final List<String> SESSION_COUNTED = List.of("ANSWERED", "JOINED", "INACTIVE", "REACTIVATED");

    /**
     * The SESSION_K facts the KPI job derives from a session's current facts (ROLLUP.md): for each kind K and each
     * (queueId, repId) among the session's facts of kind K, one fact at the earliest of them (by time, then factId),
     * whose detail names the levels at which it is the session's first fact of kind K ("session", "queue", "rep").
     */
    public static List<Fact> sessionFacts(List<Fact> current) {
        java.util.Map<String, List<Fact>> bySessionAndKind = new java.util.TreeMap<>();
        for (Fact x : current) {
            if (SESSION_COUNTED.contains(x.kind())) {
                bySessionAndKind.computeIfAbsent(x.sessionId() + "\u0000" + x.kind(), k -> new ArrayList<>()).add(x);
            }
        }
        List<Fact> out = new ArrayList<>();
        for (List<Fact> facts : bySessionAndKind.values()) {
            facts.sort(java.util.Comparator.comparing((Fact x) -> x.at().toEpochMilli()).thenComparing(Fact::factId));
            java.util.Set<String> queues = new java.util.HashSet<>();
            java.util.Set<String> queueReps = new java.util.HashSet<>();
            boolean first = true;
            for (Fact x : facts) {
                if (!queueReps.add(x.queueId() + "\u0000" + x.repId())) continue;
                List<String> levels = new ArrayList<>();
                if (first) levels.add("session");
                first = false;
                if (queues.add(x.queueId())) levels.add("queue");
                levels.add("rep");
                String eventId = x.factId().substring(x.factId().lastIndexOf('/') + 1);
                String kind = "SESSION_" + x.kind();
                out.add(new Fact(x.sessionId() + "/" + kind + "/" + eventId, x.sessionId(), kind, x.at(),
                        x.queueId(), x.repId(), null, String.join(",", levels), 0, 1, 0));
            }
        }
        return out;
    }

    /** Rows into kpi_facts, as given (versions and deletions included). */
    public static void insertFacts(ClickHouseClient ch, List<Fact> facts) {
        for (int start = 0; start < facts.size(); start += 1000) {
            StringJoiner values = new StringJoiner(",\n");
            for (Fact x : facts.subList(start, Math.min(facts.size(), start + 1000))) {
                values.add("(" + String.join(", ", SqlLiteral.string(x.factId()), SqlLiteral.string(x.sessionId()),
                        SqlLiteral.string(x.kind()), SqlLiteral.dateTime(x.at()),
                        SqlLiteral.integer(x.at().toEpochMilli()), SqlLiteral.string(x.queueId()),
                        SqlLiteral.string(x.repId()), x.valueMs() == null ? "NULL" : SqlLiteral.integer(x.valueMs()),
                        SqlLiteral.string(x.detail()), SqlLiteral.integer(x.flag()), SqlLiteral.integer(x.version()),
                        SqlLiteral.integer(x.deleted())) + ")");
            }
            ch.execute("INSERT INTO kpi_facts (factId, sessionId, kind, at, atMs, queueId, repId, valueMs, detail, "
                    + "flag, version, deleted) VALUES " + values);
        }
    }

    /**
     * Fills kpi_rollup from kpi_facts with kpi_rollup_rebuild.sql, then kpi_rollup_coarse from kpi_rollup with
     * kpi_rollup_coarse_rebuild.sql, as for data written before the tables existed: the tests load facts directly,
     * without the KPI job that maintains the rollup.
     */
    public static void rebuildRollup(ClickHouseClient ch) {
        java.util.Map<String, Object> range = java.util.Map.of("from", Instant.EPOCH,
                "to", Instant.parse("2100-01-01T00:00:00Z"));
        java.util.Map<String, Object> versioned = new java.util.HashMap<>(range);
        versioned.put("version", 1L);
        ch.execute(SqlTemplate.render(SqlResources.load("queries/kpi_rollup_rebuild.sql"), versioned));
        ch.execute(SqlTemplate.render(SqlResources.load("queries/kpi_rollup_coarse_rebuild.sql"), range));
    }

    /** The facts that count: newest version per factId, not deleted. */
    public List<Fact> effectiveFacts() {
        java.util.Map<String, Fact> newest = new java.util.HashMap<>();
        for (Fact x : facts) newest.merge(x.factId(), x, (a, b) -> b.version() > a.version() ? b : a);
        return newest.values().stream().filter(x -> x.deleted() == 0).toList();
    }

    public void insert(ClickHouseClient ch) {
        insertFacts(ch, facts);
        rebuildRollup(ch);
        if (!sessions.isEmpty()) {
            StringJoiner values = new StringJoiner(",\n");
            for (Session s : sessions) {
                values.add("(" + String.join(", ", SqlLiteral.string(s.sessionId()), "'WEB'", "'orders'",
                        SqlLiteral.string(s.queueId()), SqlLiteral.string(s.repId()), SqlLiteral.dateTime(s.startedAt()),
                        SqlLiteral.integer(s.startedAt().toEpochMilli()), "NULL", "NULL", "NULL",
                        SqlLiteral.string(s.status()), SqlLiteral.integer(s.waitMs()), "1", "NULL", "0", "0", "NULL",
                        "NULL", "0", "NULL", "0", "0", "0", "0", SqlLiteral.integer(s.abandoned()), "NULL", "0", "2",
                        "3", "1") + ")");
            }
            ch.execute("INSERT INTO sessions (sessionId, channel, topic, queueId, repId, startedAt, startedAtMs, "
                    + "endedAt, endedAtMs, endedBy, status, waitMs, queueWaits, firstResponseMs, repReplies, "
                    + "repResponseSumMs, repAvgResponseMs, repMaxResponseMs, handleMs, acwMs, inactiveCount, "
                    + "autoInactiveCount, reactivated, endedAfterInactivity, abandoned, notRoutedReason, caseCreated, "
                    + "endUserMessages, repMessages, version) VALUES " + values);
        }
        if (!accuracy.isEmpty()) {
            StringJoiner values = new StringJoiner(",\n");
            for (Accuracy a : accuracy) {
                values.add("(" + String.join(", ", SqlLiteral.string(a.queueId()), SqlLiteral.string(a.sessionId()),
                        SqlLiteral.dateTime(a.queuedAt()), SqlLiteral.integer(a.queuedAt().toEpochMilli()),
                        a.predictedMs() == null ? "NULL" : SqlLiteral.integer(a.predictedMs()), "3",
                        a.actualMs() == null ? "NULL" : SqlLiteral.integer(a.actualMs()),
                        SqlLiteral.integer(a.abandoned())) + ")");
            }
            ch.execute("INSERT INTO ewt_accuracy (queueId, sessionId, queuedAt, queuedAtMs, predictedMs, sampleSize, "
                    + "actualMs, abandoned) VALUES " + values);
        }
    }
}
