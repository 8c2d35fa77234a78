package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.KpiFixture.Accuracy;
import io.chatkpi.api.KpiFixture.Fact;
import io.chatkpi.api.KpiFixture.Session;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.api.http.Json;
import io.chatkpi.api.kpi.ClickHouseGateway;
import io.chatkpi.api.kpi.KpiSource;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import io.chatkpi.ingest.kpi.LogHistogram;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.ClickHouseServer;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.javalin.Javalin;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ClickHouse-backed endpoints against a real ClickHouse with rows the test inserts; every expected figure is
 * computed here in plain Java from the same rows.
 */
@ExtendWith(ClickHouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKpiTest {

    static final Instant FROM = Instant.parse("2026-10-24T00:00:00Z");
    static final Instant TO = Instant.parse("2026-10-27T00:00:00Z");
    static final Instant NOW = Instant.parse("2026-10-26T12:00:00Z");
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    final MutableClock clock = new MutableClock(NOW);
    final LiveEwtStore ewt = new LiveEwtStore(clock, EwtCalculator.defaults());
    KpiFixture data;
    Javalin app;
    HttpCalls http;
    ClickHouseGateway gateway;

    @BeforeAll
    void load(ClickHouseClient ch) {
        data = KpiFixture.generate(FROM, TO, 3000, 42);
        Random rnd = new Random(7);
        for (int i = 0; i < 250; i++) {
            String status = List.of("WAITING", "ACTIVE", "INACTIVE", "ENDED", "NOT_ROUTED").get(rnd.nextInt(5));
            data.sessions.add(new Session("live-" + i, KpiFixture.QUEUES.get(rnd.nextInt(2)),
                    status.equals("WAITING") ? null : KpiFixture.REPS.get(rnd.nextInt(3)),
                    FROM.plusSeconds(rnd.nextInt(3 * 86_400)), status, status.equals("ENDED") && rnd.nextBoolean() ? 1 : 0,
                    rnd.nextInt(100_000)));
        }
        // two sessions starting at the same ms: the cursor must still separate them
        data.sessions.add(new Session("tie-a", "billing", "rep-1", FROM.plusSeconds(100), "ENDED", 0, 5));
        data.sessions.add(new Session("tie-b", "billing", "rep-1", FROM.plusSeconds(100), "ENDED", 0, 5));
        // the oldest waiting session was re-queued later than it started: its wait counts from the QUEUED fact
        Session firstWaiting = data.sessions.stream().filter(s -> s.status().equals("WAITING")).findFirst()
                .orElseThrow();
        data.facts.add(new Fact("requeue", firstWaiting.sessionId(), "QUEUED", NOW.minusSeconds(30),
                firstWaiting.queueId(), "", null, "", 0, 1, 0));
        for (int i = 0; i < 200; i++) {
            long predicted = rnd.nextInt(120_000);
            boolean abandoned = rnd.nextInt(10) == 0;
            data.accuracy.add(new Accuracy(KpiFixture.QUEUES.get(rnd.nextInt(2)), "acc-" + i,
                    FROM.plusSeconds(rnd.nextInt(3 * 86_400)), rnd.nextInt(8) == 0 ? null : predicted,
                    abandoned ? null : (long) rnd.nextInt(120_000), abandoned ? 1 : 0));
        }
        data.insert(ch);
        ewt.accept(new EwtSnapshot("billing", NOW.minusSeconds(60).toEpochMilli(),
                new EwtFigures(42_000L, 42_000L, 42_000L, 42_000L, 1),
                List.of(new WaitSample(NOW.minusSeconds(60).toEpochMilli(), 42_000))));
        ewt.accept(new EwtSnapshot("quiet", NOW.minusSeconds(30).toEpochMilli(),
                new EwtFigures(1_000L, 1_000L, 1_000L, 1_000L, 1),
                List.of(new WaitSample(NOW.minusSeconds(30).toEpochMilli(), 1_000))));
        gateway = new ClickHouseGateway(ch, Duration.ofSeconds(30));
        app = TestServers.start(TestServers.deps(clock, ewt, ReportingRoutes.of(gateway, gateway, ewt, clock)));
        http = new HttpCalls(app.port());
    }

    @AfterAll
    void stop() {
        TestServers.stopAll(app, null, gateway);
    }

    JsonNode get(String path) {
        return http.getOk(path, TestServers.MANAGER_KEY);
    }

    // ---- independent expectations -----------------------------------------------------------------------------

    List<Fact> facts(Instant from, Instant to, Predicate<Fact> filter) {
        return data.effectiveFacts().stream()
                .filter(f -> !f.at().isBefore(from) && f.at().isBefore(to)).filter(filter).toList();
    }

    static long count(List<Fact> facts, String kind) {
        return facts.stream().filter(f -> f.kind().equals(kind)).count();
    }

    /** ClickHouse's quantileExact: the element at floor(level * n) of the sorted values. */
    static long quantileExact(List<Long> sorted, double level) {
        return sorted.get((int) (level * sorted.size()));
    }

    /**
     * Sessions as the API counts them (README, Reporting API): among the facts of {@code kind} that pass the filter,
     * the first per session ("session"), per session and queue ("queue") or per session, queue and rep ("rep"), counted
     * when it falls in [from, to).
     */
    long distinctSessions(String kind, Instant from, Instant to, Predicate<Fact> filter, String level) {
        Function<Fact, String> key = switch (level) {
            case "session" -> Fact::sessionId;
            case "queue" -> f -> f.sessionId() + "/" + f.queueId();
            default -> f -> f.sessionId() + "/" + f.queueId() + "/" + f.repId();
        };
        Comparator<Fact> order = Comparator.comparing((Fact f) -> f.at().toEpochMilli()).thenComparing(Fact::factId);
        Map<String, Fact> first = data.effectiveFacts().stream().filter(f -> f.kind().equals(kind)).filter(filter)
                .collect(Collectors.toMap(key, f -> f, BinaryOperator.minBy(order)));
        return first.values().stream().filter(f -> !f.at().isBefore(from) && f.at().isBefore(to)).count();
    }

    /** LogHistogram's bound: within 1 % of the exact value, plus half a ms for the rounding to whole ms. */
    static void assertPercentile(String what, JsonNode actual, long exact) {
        assertThat(actual.isIntegralNumber()).as(what + " is a number: " + actual).isTrue();
        assertThat((double) actual.asLong()).as(what + " (exact " + exact + ")")
                .isCloseTo((double) exact, within(Math.abs(exact) * LogHistogram.RELATIVE_ERROR + 0.5));
    }

    void assertKpis(JsonNode k, Instant from, Instant to, Predicate<Fact> filter, String level) {
        List<Fact> facts = facts(from, to, filter);
        Map<String, String> countNames = Map.ofEntries(Map.entry("started", "STARTED"), Map.entry("queued", "QUEUED"),
                Map.entry("answered", "ANSWERED"), Map.entry("abandoned", "ABANDONED"),
                Map.entry("notRouted", "NOT_ROUTED"), Map.entry("casesCreated", "CASE_CREATED"),
                Map.entry("ended", "ENDED"), Map.entry("inactiveEvents", "INACTIVE"),
                Map.entry("reactivated", "REACTIVATED"), Map.entry("endedAfterInactivity", "ENDED_AFTER_INACTIVITY"));
        countNames.forEach((api, kind) -> assertThat(k.get(api).asLong()).as(api).isEqualTo(count(facts, kind)));
        long answered = count(facts, "ANSWERED");
        long within = facts.stream().filter(f -> f.kind().equals("ANSWERED") && f.flag() == 1).count();
        assertThat(k.get("answeredWithinSl").asLong()).isEqualTo(within);
        assertThat(k.get("autoInactiveEvents").asLong())
                .isEqualTo(facts.stream().filter(f -> f.kind().equals("INACTIVE") && f.flag() == 1).count());
        Map<String, Long> byReason = facts.stream().filter(f -> f.kind().equals("NOT_ROUTED"))
                .collect(Collectors.groupingBy(Fact::detail, TreeMap::new, Collectors.counting()));
        assertThat(toMap(k.get("notRoutedByReason"))).isEqualTo(byReason);
        Map<String, Long> endedBy = facts.stream().filter(f -> f.kind().equals("ENDED"))
                .collect(Collectors.groupingBy(Fact::detail, TreeMap::new, Collectors.counting()));
        assertThat(toMap(k.get("endedBy"))).isEqualTo(endedBy);

        Map<String, String> durations = Map.of("waitMs", "ANSWERED", "firstResponseMs", "FIRST_RESPONSE",
                "repResponseMs", "REP_RESPONSE", "handleMs", "HANDLE", "acwMs", "ACW");
        durations.forEach((api, kind) -> {
            List<Long> values = facts.stream().filter(f -> f.kind().equals(kind)).map(Fact::valueMs).sorted().toList();
            JsonNode d = k.get(api);
            assertThat(d.get("count").asLong()).as(api).isEqualTo(values.size());
            assertThat(d.get("sum").asLong()).as(api).isEqualTo(values.stream().mapToLong(Long::longValue).sum());
            if (values.isEmpty()) {
                assertThat(d.get("avg").isNull()).as(api).isTrue();
                assertThat(d.get("p90").isNull()).as(api).isTrue();
            } else {
                assertThat(d.get("avg").asDouble()).as(api)
                        .isCloseTo(values.stream().mapToLong(Long::longValue).average().orElseThrow(), within(1e-6));
                assertThat(d.get("max").asLong()).as(api).isEqualTo(values.get(values.size() - 1));
                assertPercentile(api + ".p50", d.get("p50"), quantileExact(values, 0.5));
                assertPercentile(api + ".p90", d.get("p90"), quantileExact(values, 0.9));
                // and exactly what LogHistogram.quantile reads from a histogram of the same values
                int[] keys = values.stream().mapToInt(LogHistogram::key).toArray();
                long[] ones = new long[keys.length];
                java.util.Arrays.fill(ones, 1);
                assertThat(d.get("p50").asLong()).as(api).isEqualTo(LogHistogram.quantile(0.5, keys, ones));
                assertThat(d.get("p90").asLong()).as(api).isEqualTo(LogHistogram.quantile(0.9, keys, ones));
            }
        });
        long answeredSessions = distinctSessions("ANSWERED", from, to, filter, level);
        long joinedSessions = distinctSessions("JOINED", from, to, filter, level);
        long inactiveSessions = distinctSessions("INACTIVE", from, to, filter, level);
        long reactivatedSessions = distinctSessions("REACTIVATED", from, to, filter, level);
        assertThat(answeredSessions).isPositive();
        assertThat(k.get("sessionsAnswered").asLong()).isEqualTo(answeredSessions);
        assertThat(k.get("sessionsJoined").asLong()).isEqualTo(joinedSessions);
        assertThat(k.get("sessionsInactive").asLong()).isEqualTo(inactiveSessions);
        assertThat(k.get("sessionsReactivated").asLong()).isEqualTo(reactivatedSessions);
        assertRate(k.get("rates").get("inactivityRate"), inactiveSessions, joinedSessions);
        assertRate(k.get("rates").get("reactivationRate"), reactivatedSessions, inactiveSessions);
        assertRate(k.get("rates").get("abandonmentRate"), count(facts, "ABANDONED"), count(facts, "QUEUED"));
        assertRate(k.get("rates").get("serviceLevel"), within, answered);
    }

    static void assertRate(JsonNode rate, long numerator, long denominator) {
        if (denominator == 0) assertThat(rate.isNull()).isTrue();
        else assertThat(rate.asDouble()).isCloseTo((double) numerator / denominator, within(1e-9));
    }

    static Map<String, Long> toMap(JsonNode o) {
        Map<String, Long> m = new TreeMap<>();
        o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
        return m;
    }

    // ---- KPIs ---------------------------------------------------------------------------------------------------

    @Test
    void totalsEqualSumsComputedFromTheRows() {
        JsonNode body = get("/api/v1/kpis?from=" + FROM + "&to=" + TO + "&granularity=1d");
        assertKpis(body.get("totals"), FROM, TO, f -> true, "session");
        assertThat(body.get("series")).hasSize(3);
        for (JsonNode bucket : body.get("series")) {
            Instant start = Instant.parse(bucket.get("start").asText());
            assertKpis(bucket.get("kpis"), start, start.plus(Duration.ofDays(1)), f -> true, "session");
        }
    }

    @Test
    void filtersByQueueAndRep() {
        JsonNode body = get("/api/v1/kpis?from=" + FROM + "&to=" + TO + "&granularity=1d&queueId=tech&repId=rep-2");
        assertKpis(body.get("totals"), FROM, TO, f -> f.queueId().equals("tech") && f.repId().equals("rep-2"), "rep");
        JsonNode queue = get("/api/v1/kpis?from=" + FROM + "&to=" + TO + "&granularity=1d&queueId=tech");
        assertKpis(queue.get("totals"), FROM, TO, f -> f.queueId().equals("tech"), "queue");
        JsonNode rep = get("/api/v1/kpis?from=" + FROM + "&to=" + TO + "&granularity=1d&repId=rep-2");
        assertKpis(rep.get("totals"), FROM, TO, f -> f.repId().equals("rep-2"), "rep");
        assertThat(body.get("queueId").asText()).isEqualTo("tech");
    }

    @Test
    void parisDaysAcrossTheDstChange() {
        JsonNode body = get("/api/v1/kpis?from=2026-10-24&to=2026-10-27&tz=Europe/Paris&granularity=1d");
        List<String> starts = new ArrayList<>();
        body.get("series").forEach(b -> starts.add(b.get("start").asText()));
        // 25 October 2026 is 25 hours long in Paris: CEST until 03:00, CET after
        assertThat(starts).containsExactly("2026-10-23T22:00:00Z", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z");
        assertThat(body.get("series").get(1).get("startLocal").asText()).isEqualTo("2026-10-25T00:00+02:00");
        assertThat(body.get("series").get(2).get("startLocal").asText()).isEqualTo("2026-10-26T00:00+01:00");
        for (JsonNode bucket : body.get("series")) {
            Instant start = Instant.parse(bucket.get("start").asText());
            Instant end = start.atZone(PARIS).toLocalDate().plusDays(1).atStartOfDay(PARIS).toInstant();
            assertKpis(bucket.get("kpis"), start, end, f -> true, "session");
        }
        assertKpis(body.get("totals"), Instant.parse("2026-10-23T22:00:00Z"),
                Instant.parse("2026-10-26T23:00:00Z"), f -> true, "session");
    }

    @Test
    void parisHoursOnTheDstDayIncludeTheRepeatedHour() {
        JsonNode body = get("/api/v1/kpis?from=2026-10-25&to=2026-10-26&tz=Europe/Paris&granularity=1h");
        JsonNode series = body.get("series");
        assertThat(series).hasSize(25);
        List<String> local = new ArrayList<>();
        series.forEach(b -> local.add(b.get("startLocal").asText()));
        assertThat(local).contains("2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00");
        Map<Instant, Long> startedPerHour = facts(Instant.parse("2026-10-24T22:00:00Z"),
                Instant.parse("2026-10-25T23:00:00Z"), f -> f.kind().equals("STARTED")).stream()
                .collect(Collectors.groupingBy(f -> f.at().truncatedTo(ChronoUnit.HOURS), Collectors.counting()));
        for (JsonNode b : series) {
            assertThat(b.get("kpis").get("started").asLong()).as(b.get("startLocal").asText())
                    .isEqualTo(startedPerHour.getOrDefault(Instant.parse(b.get("start").asText()), 0L));
        }
    }

    @Test
    void emptyBucketsHaveZeroCountsAndNullAverages() {
        JsonNode body = get("/api/v1/kpis?from=2026-11-01T00:00:00Z&to=2026-11-01T00:15:00Z&granularity=5m");
        assertThat(body.get("series")).hasSize(3);
        for (JsonNode b : body.get("series")) {
            JsonNode k = b.get("kpis");
            assertThat(k.get("started").asLong()).isZero();
            assertThat(k.get("waitMs").get("count").asLong()).isZero();
            assertThat(k.get("waitMs").get("avg").isNull()).isTrue();
            assertThat(k.get("handleMs").get("p90").isNull()).isTrue();
            assertThat(k.get("rates").get("serviceLevel").isNull()).isTrue();
        }
        assertThat(body.get("totals").get("answered").asLong()).isZero();
    }

    @Test
    void summaryComparesWithThePreviousPeriod() {
        Instant from = Instant.parse("2026-10-25T12:00:00Z");
        Instant to = Instant.parse("2026-10-26T12:00:00Z");
        JsonNode body = get("/api/v1/kpis/summary?from=" + from + "&to=" + to + "&compare=previous");
        assertKpis(body.get("totals"), from, to, f -> true, "session");
        assertThat(body.get("previous").get("from").asText()).isEqualTo("2026-10-24T12:00:00Z");
        assertKpis(body.get("previous").get("totals"), from.minus(Duration.ofDays(1)), from, f -> true, "session");
        JsonNode started = body.get("change").get("started");
        long now = count(facts(from, to, f -> true), "STARTED");
        long before = count(facts(from.minus(Duration.ofDays(1)), from, f -> true), "STARTED");
        assertThat(started.get("current").asLong()).isEqualTo(now);
        assertThat(started.get("previous").asLong()).isEqualTo(before);
        assertThat(started.get("delta").asDouble()).isEqualTo((double) (now - before));
        assertThat(body.get("change").get("waitMs").get("avg").get("current").asDouble())
                .isEqualTo(body.get("totals").get("waitMs").get("avg").asDouble());
    }

    /**
     * Which source answers: kpi_rollup for whole slots, kpi_facts for the rest (and when asked for). Facts written after the rollup was
     * built (as if the job had not written their slots yet) are seen by the raw path only: here the two sources
     * deliberately differ, so the figures show which one answered, and the header names it.
     */
    @Test
    void wholeSlotsAreReadFromTheRollupTheRestFromTheRawFacts() {
        Instant december = Instant.parse("2026-12-05T10:07:00Z");
        Instant monrovia1971 = Instant.parse("1971-06-01T10:07:00Z");
        KpiFixture.insertFacts(gateway.client(), List.of(
                new Fact("late/STARTED/1", "late", "STARTED", december, "tech", "", null, "", 0, 1, 0),
                new Fact("old/STARTED/1", "old", "STARTED", monrovia1971, "tech", "", null, "", 0, 1, 0)));
        String hour = "from=2026-12-05T10:00:00Z&to=2026-12-05T11:00:00Z";
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("/api/v1/kpis?" + hour + "&granularity=15m", new Object[] {"rollup", 0L});
        cases.put("/api/v1/kpis?" + hour + "&granularity=1h&tz=Europe/Paris", new Object[] {"rollup", 0L});
        // +05:45 is whole quarter hours
        cases.put("/api/v1/kpis?" + hour + "&granularity=1h&tz=Asia/Kathmandu", new Object[] {"rollup", 0L});
        cases.put("/api/v1/kpis?" + hour + "&granularity=1d&queueId=tech", new Object[] {"rollup", 0L});
        cases.put("/api/v1/kpis/summary?" + hour, new Object[] {"rollup", 0L});
        cases.put("/api/v1/kpis?" + hour + "&granularity=5m", new Object[] {"facts", 1L});
        cases.put("/api/v1/kpis?" + hour + "&granularity=1m&queueId=tech", new Object[] {"facts", 1L});
        // bounds off the marks: the whole slots from the rollup, the partial slot at each end from the raw facts
        cases.put("/api/v1/kpis?from=2026-12-05T10:05:00Z&to=2026-12-05T11:00:00Z&granularity=1h",
                new Object[] {"rollup,facts", 1L});
        cases.put("/api/v1/kpis/summary?from=2026-12-05T10:00:00Z&to=2026-12-05T10:10:00Z",
                new Object[] {"rollup,facts", 1L});
        cases.put("/api/v1/kpis?from=2026-12-05T10:00:00Z&to=2026-12-05T10:50:00Z&granularity=15m",
                new Object[] {"rollup,facts", 0L});
        cases.put("/api/v1/kpis?from=2026-12-05T09:59:59Z&to=2026-12-05T10:15:00Z",
                new Object[] {"rollup,facts", 0L});
        // asked for: the raw facts even where the rollup could answer
        cases.put("/api/v1/kpis?" + hour + "&granularity=15m&source=facts", new Object[] {"facts", 1L});
        cases.put("/api/v1/kpis/summary?" + hour + "&source=facts", new Object[] {"facts", 1L});
        // Monrovia kept -00:44:30 until 1972: bounds on 15-minute marks, local hours are not
        cases.put("/api/v1/kpis?from=1971-06-01T00:00:00Z&to=1971-06-02T00:00:00Z&tz=Africa/Monrovia&granularity=1h",
                new Object[] {"facts", 1L});
        cases.put("/api/v1/kpis?from=1971-06-01T00:00:00Z&to=1971-06-02T00:00:00Z&tz=UTC&granularity=1h",
                new Object[] {"rollup", 0L});
        cases.forEach((path, expected) -> {
            HttpCalls.Reply r = http.get(path, TestServers.MANAGER_KEY);
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
            assertThat(r.header(KpiSource.HEADER)).as(path).isEqualTo(expected[0]);
            assertThat(r.json().get("totals").get("started").asLong()).as(path).isEqualTo(expected[1]);
        });
        // the rollup rebuilt over those facts: both paths see them
        KpiFixture.rebuildRollup(gateway.client());
        cases.keySet().forEach(path -> assertThat(get(path).get("totals").get("started").asLong()).as(path)
                .isEqualTo(1));
        // reports and /reps choose the same way
        var report = http.post("/api/v1/reports/run", TestServers.ANALYST_KEY, Json.MAPPER.valueToTree(Map.of(
                "metrics", List.of("sessionsStarted"), "groupBy", List.of("time"), "granularity", "5m",
                "from", "2026-12-05T10:00:00Z", "to", "2026-12-05T11:00:00Z")).toString());
        assertThat(report.header(KpiSource.HEADER)).isEqualTo("facts");
        var byQueue = http.post("/api/v1/reports/run", TestServers.ANALYST_KEY, Json.MAPPER.valueToTree(Map.of(
                "metrics", List.of("sessionsStarted"), "groupBy", List.of("queueId"),
                "from", "2026-12-05T10:00:00Z", "to", "2026-12-05T11:00:00Z")).toString());
        assertThat(byQueue.header(KpiSource.HEADER)).isEqualTo("rollup");
        assertThat(byQueue.json().get("rows").get(0).get("sessionsStarted").asLong()).isEqualTo(1);
        assertThat(http.get("/api/v1/reps?" + hour, TestServers.MANAGER_KEY).header(KpiSource.HEADER))
                .isEqualTo("rollup");
    }

    // ---- sessions -----------------------------------------------------------------------------------------------

    @Test
    void sessionsPageThroughEveryRowOnceInOrder() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = get("/api/v1/sessions?from=" + FROM + "&to=" + TO + "&limit=40"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("sessions").forEach(s -> seen.add(s.get("sessionId").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 100);
        List<String> expected = data.sessions.stream()
                .sorted((a, b) -> a.startedAt().equals(b.startedAt()) ? a.sessionId().compareTo(b.sessionId())
                        : a.startedAt().compareTo(b.startedAt()))
                .map(Session::sessionId).toList();
        assertThat(seen).isEqualTo(expected);
        assertThat(pages).isEqualTo((expected.size() + 39) / 40);
    }

    @Test
    void sessionFiltersAndFields() {
        JsonNode page = get("/api/v1/sessions?from=" + FROM + "&to=" + TO + "&status=ENDED&abandoned=true"
                + "&queueId=billing&limit=1000");
        Set<String> expected = data.sessions.stream().filter(s -> s.status().equals("ENDED") && s.abandoned() == 1
                && s.queueId().equals("billing")).map(Session::sessionId).collect(Collectors.toSet());
        Set<String> got = new HashSet<>();
        page.get("sessions").forEach(s -> got.add(s.get("sessionId").asText()));
        assertThat(got).isEqualTo(expected).isNotEmpty();
        JsonNode one = page.get("sessions").get(0);
        assertThat(one.get("abandoned").asBoolean()).isTrue();
        assertThat(one.get("startedAt").asText()).endsWith("Z");
        assertThat(one.get("endedAt").isNull()).isTrue();
        assertThat(one.get("channel").asText()).isEqualTo("WEB");
    }

    @Test
    void sessionsAsCsvStreamTheWholeSelection() {
        var r = http.get("/api/v1/sessions?from=" + FROM + "&to=" + TO + "&format=csv&repId=rep-1",
                TestServers.MANAGER_KEY);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/csv");
        List<String> lines = r.body().lines().toList();
        assertThat(lines.get(0)).startsWith("sessionId,channel,topic,queueId,repId,startedAt,endedAt,");
        long expected = data.sessions.stream().filter(s -> "rep-1".equals(s.repId())).count();
        assertThat(lines).hasSize((int) expected + 1);
        var viaAccept = http.get("/api/v1/sessions?from=" + FROM + "&to=" + TO + "&repId=rep-1",
                TestServers.MANAGER_KEY, "text/csv");
        assertThat(viaAccept.body()).isEqualTo(r.body());
    }

    // ---- EWT accuracy and live queues ---------------------------------------------------------------------------

    @Test
    void ewtAccuracyPerQueue() {
        JsonNode body = get("/api/v1/ewt/accuracy?from=" + FROM + "&to=" + TO);
        assertThat(body.get("queues")).hasSize(2);
        for (JsonNode q : body.get("queues")) {
            String queue = q.get("queueId").asText();
            List<Accuracy> rows = data.accuracy.stream().filter(a -> a.queueId().equals(queue)).toList();
            List<Long> errors = rows.stream().filter(a -> a.predictedMs() != null && a.actualMs() != null
                    && a.abandoned() == 0).map(a -> a.predictedMs() - a.actualMs()).toList();
            List<Long> abs = errors.stream().map(Math::abs).sorted().toList();
            assertThat(q.get("queued").asLong()).isEqualTo(rows.size());
            assertThat(q.get("count").asLong()).isEqualTo(errors.size());
            assertThat(q.get("abandoned").asLong()).isEqualTo(rows.stream().filter(a -> a.abandoned() == 1).count());
            assertThat(q.get("withoutEstimate").asLong())
                    .isEqualTo(rows.stream().filter(a -> a.predictedMs() == null).count());
            assertThat(q.get("biasMs").asDouble())
                    .isCloseTo(errors.stream().mapToLong(Long::longValue).average().orElseThrow(), within(1e-6));
            assertThat(q.get("meanAbsoluteErrorMs").asDouble())
                    .isCloseTo(abs.stream().mapToLong(Long::longValue).average().orElseThrow(), within(1e-6));
            assertThat(q.get("p90AbsoluteErrorMs").asLong()).isEqualTo(quantileExact(abs, 0.9));
            assertThat(q.get("within30sShare").asDouble())
                    .isCloseTo((double) abs.stream().filter(e -> e <= 30_000).count() / abs.size(), within(1e-9));
        }
        JsonNode tech = get("/api/v1/ewt/accuracy?from=" + FROM + "&to=" + TO + "&queueId=tech");
        assertThat(tech.get("queues")).hasSize(1);
    }

    @Test
    void liveQueueState() {
        JsonNode body = get("/api/v1/queues");
        Map<String, JsonNode> byQueue = new HashMap<>();
        body.get("queues").forEach(q -> byQueue.put(q.get("queueId").asText(), q));
        assertThat(byQueue.keySet()).containsExactlyInAnyOrder("billing", "tech", "quiet");
        for (String queue : KpiFixture.QUEUES) {
            List<Session> open = data.sessions.stream().filter(s -> s.queueId().equals(queue)).toList();
            Function<String, Long> n = st -> open.stream().filter(s -> s.status().equals(st)).count();
            JsonNode q = byQueue.get(queue);
            assertThat(q.get("waiting").asLong()).isEqualTo(n.apply("WAITING"));
            assertThat(q.get("active").asLong()).isEqualTo(n.apply("ACTIVE"));
            assertThat(q.get("inactive").asLong()).isEqualTo(n.apply("INACTIVE"));
            assertThat(q.get("repsWithActiveSessions").asLong()).isEqualTo(open.stream()
                    .filter(s -> s.status().equals("ACTIVE")).map(Session::repId).distinct().count());
            Set<String> requeued = data.facts.stream().filter(f -> f.factId().equals("requeue"))
                    .map(Fact::sessionId).collect(Collectors.toSet());
            long oldest = open.stream().filter(s -> s.status().equals("WAITING"))
                    .mapToLong(s -> requeued.contains(s.sessionId()) ? NOW.minusSeconds(30).toEpochMilli()
                            : s.startedAt().toEpochMilli()).min().orElseThrow();
            assertThat(q.get("longestCurrentWaitMs").asLong()).isEqualTo(NOW.toEpochMilli() - oldest);
        }
        assertThat(byQueue.get("billing").get("ewt").get("estimatedWaitMs").asLong()).isEqualTo(42_000);
        assertThat(byQueue.get("quiet").get("waiting").asLong()).isZero();
        assertThat(byQueue.get("quiet").get("ewt").get("sampleSize").asInt()).isEqualTo(1);
    }

    // ---- bad input ----------------------------------------------------------------------------------------------

    @Test
    void badInputIs400NamingTheParameter() {
        assertBadInputIs400NamingTheParameter(http, FROM, TO);
    }

    /** Every bad query parameter of the GET endpoints: 400 BAD_REQUEST naming it. */
    static void assertBadInputIs400NamingTheParameter(HttpCalls http, Instant from, Instant to) {
        Map<String, String> cases = new TreeMap<>(Map.ofEntries(
                Map.entry("/api/v1/kpis?to=" + to, "from"),
                Map.entry("/api/v1/kpis?from=yesterday&to=" + to, "from"),
                Map.entry("/api/v1/kpis?from=" + from + "&to=2026-13-45", "to"),
                Map.entry("/api/v1/kpis?from=" + to + "&to=" + from, "from"),
                Map.entry("/api/v1/kpis?from=" + from + "&to=" + to + "&tz=Mars/Olympus", "tz"),
                Map.entry("/api/v1/kpis?from=" + from + "&to=" + to + "&tz=%2B02:00", "tz"),
                Map.entry("/api/v1/kpis?from=" + from + "&to=" + to + "&granularity=2h", "granularity"),
                Map.entry("/api/v1/kpis?from=2026-01-01&to=2026-03-01&granularity=1m", "granularity"),
                Map.entry("/api/v1/kpis?from=" + from + "&to=" + to + "&queueId=a'%20OR%201=1", "queueId"),
                Map.entry("/api/v1/kpis/summary?from=" + from + "&to=" + to + "&compare=last-year", "compare"),
                Map.entry("/api/v1/kpis?from=" + from + "&to=" + to + "&source=rollup", "source"),
                Map.entry("/api/v1/sessions?from=" + from + "&to=" + to + "&limit=0", "limit"),
                Map.entry("/api/v1/sessions?from=" + from + "&to=" + to + "&limit=ten", "limit"),
                Map.entry("/api/v1/sessions?from=" + from + "&to=" + to + "&cursor=garbage", "cursor"),
                Map.entry("/api/v1/sessions?from=" + from + "&to=" + to + "&status=HAPPY", "status"),
                Map.entry("/api/v1/sessions?from=" + from + "&to=" + to + "&abandoned=maybe", "abandoned"),
                Map.entry("/api/v1/sessions?from=" + from + "&to=" + to + "&format=xml", "format"),
                Map.entry("/api/v1/ewt/accuracy?from=" + from, "to")));
        cases.forEach((path, param) -> {
            var r = http.get(path, TestServers.ANALYST_KEY);
            assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("BAD_REQUEST");
            assertThat(r.json().get("parameter").asText()).as(path).isEqualTo(param);
            assertThat(r.json().get("message").asText()).as(path).startsWith(param + ":");
        });
    }

    @Test
    void clickHouseUnreachableIs503WhileEwtIsStillServed() {
        try (ClickHouseClient dead = ClickHouseClient.connect("http://127.0.0.1:1", "default", "", "chatkpi");
             ClickHouseGateway deadGateway = new ClickHouseGateway(dead, Duration.ofSeconds(10))) {
            Javalin other = TestServers.start(TestServers.deps(clock, ewt, ReportingRoutes.of(deadGateway, deadGateway, ewt, clock)));
            try {
                HttpCalls h = new HttpCalls(other.port());
                var r = h.get("/api/v1/kpis?from=" + FROM + "&to=" + TO, TestServers.MANAGER_KEY);
                assertThat(r.status()).as(r.body()).isEqualTo(503);
                assertThat(r.json().get("error").asText()).isEqualTo("CLICKHOUSE_UNAVAILABLE");
                assertThat(h.get("/api/v1/queues", TestServers.MANAGER_KEY).status()).isEqualTo(503);
                var live = h.get("/api/v1/queues/billing/ewt", TestServers.CHAT_KEY);
                assertThat(live.status()).isEqualTo(200);
                assertThat(live.json().get("estimatedWaitMs").asLong()).isEqualTo(42_000);
                assertThat(deadGateway.ping()).isFalse();
            } finally {
                other.stop();
            }
        }
    }

    /**
     * The API's own timeout (504) also stops the query on the server. The analyst's profile would let it run 60 s
     * (ClickHouseServer.AnalystLimits.DEFAULT) and the query itself never ends (it sleeps through system.numbers,
     * 2.6 s a block, within 18.16's 3 s a block): gone well before that means the API's KILL stopped it.
     */
    @Test
    void aQueryTheApiGaveUpOnIsStoppedOnTheServer(ClickHouseTestDatabase db) throws Exception {
        String marker = "stop_me_" + UUID.randomUUID().toString().replace("-", "");
        // the marker built by concat(), so that this query's own text does not match it
        String analystQueries = "SELECT query_id FROM system.processes WHERE user = '" + ClickHouseServer.ANALYST_USER
                + "' AND position(query, concat('stop_me_', '" + marker.substring("stop_me_".length()) + "')) > 0";
        try (ClickHouseClient analystUser = ClickHouseClient.connect(db.url(), ClickHouseServer.ANALYST_USER, "",
                     null);
             ClickHouseGateway impatient = new ClickHouseGateway(analystUser, Duration.ofSeconds(1), db.client())) {
            Javalin other = TestServers.start(TestServers.deps(clock, ewt,
                    ReportingRoutes.of(gateway, impatient, ewt, clock)));
            try {
                HttpCalls h = new HttpCalls(other.port());
                String endless = "SELECT max(sleepEachRow(0.00004)) AS " + marker + " FROM system.numbers";
                CompletableFuture<HttpCalls.Reply> reply = CompletableFuture.supplyAsync(() -> h.post("/api/v1/sql",
                        TestServers.ANALYST_KEY, Json.MAPPER.valueToTree(Map.of("sql", endless)).toString()));
                // it runs on the server, under the API's query id
                List<JsonNode> seen = pollUntil(() -> db.client().queryJson(analystQueries), rows -> !rows.isEmpty());
                assertThat(seen).as("the analyst's query never appeared in system.processes").hasSize(1);
                String queryId = seen.get(0).get("query_id").asText();
                assertThat(queryId).startsWith("chatkpi-api-");

                var r = reply.get();
                assertThat(r.status()).as(r.body()).isEqualTo(504);
                assertThat(r.json().get("error").asText()).isEqualTo("TIMEOUT");
                assertThat(r.json().get("message").asText()).contains(queryId);
                List<JsonNode> left = pollUntil(() -> db.client().queryJson(
                        "SELECT query_id FROM system.processes WHERE query_id = '" + queryId + "'"), List::isEmpty);
                assertThat(left).as("query " + queryId + " still running after the 504").isEmpty();
                assertThat(db.client().queryJson(analystQueries)).isEmpty();
            } finally {
                other.stop();
            }
        }
    }

    /**
     * Polls until the condition holds or a generous bound has passed (30 s: half the analyst's default 60 s limit,
     * so that a query that only the profile's limit ends is still seen running).
     */
    static <T> T pollUntil(java.util.function.Supplier<T> read, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            value = read.get();
        }
        return value;
    }
}
