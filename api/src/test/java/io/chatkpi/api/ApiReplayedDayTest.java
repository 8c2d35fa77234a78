package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.ReplayedDay.Handle;
import io.chatkpi.api.ReplayedDay.Queued;
import io.chatkpi.api.ReplayedDay.Reply;
import io.chatkpi.api.ReplayedDay.Wait;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.api.http.Json;
import io.chatkpi.api.kpi.ClickHouseGateway;
import io.chatkpi.api.kpi.Granularity;
import io.chatkpi.api.kpi.KpiSource;
import io.chatkpi.api.kpi.ZoneOffsets;
import io.chatkpi.api.reports.ReportCatalog;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.ClickHouseServer;
import io.chatkpi.ingest.stack.Schema;
import io.javalin.Javalin;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over one simulated day loaded as users load history ({@code ./chatkpi replay --clickhouse}: the replay
 * job graph on a MiniCluster, into a real ClickHouse). The day is Sunday 25 October 2026 in Paris, 25 hours long
 * (CEST until 03:00, CET after). Every expected figure is computed here from the stored session rows
 * ({@code sessions FINAL}) and, where a row holds only a sum, from the individual values read off the events
 * ({@link ReplayedDay}); the API computes them from {@code kpi_facts} with its own SQL.
 *
 * <p>The server is this class's own, with small analyst limits (2 s, 100,000 rows), so that the SQL sandbox's
 * refusals and timeout are ClickHouse's own; its analyst user may read only the {@code chatkpi} database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiReplayedDayTest {

    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    static final Instant DAY_START = Instant.parse("2026-10-24T22:00:00Z");
    static final Instant DAY_END = Instant.parse("2026-10-25T23:00:00Z");
    static final String PARIS_DAY = "from=2026-10-25&to=2026-10-26&tz=Europe/Paris";
    static final long SERVICE_LEVEL_MS = 60_000;

    /** 2 reps per queue at ~1.5 arrivals a minute: queues build up at times, so waits vary and people abandon. */
    static final SimulatorConfig SIMULATION = SimulatorConfig.defaults()
            .withStart(DAY_START)
            .withDuration(Duration.between(DAY_START, DAY_END))
            .withRate(1.5)
            .withRepsPerQueue(2)
            .withSeed(20261025L)
            .withDuplicateShare(0.01)
            .withInvalidShare(0.002);

    @TempDir
    static Path dir;
    ClickHouseServer server;
    ClickHouseClient admin;
    ClickHouseClient pipelineUser;
    ClickHouseClient analystUser;
    ClickHouseGateway gateway;
    ClickHouseGateway analyst;
    ReplayedDay day;
    final MutableClock clock = new MutableClock(DAY_END);
    final LiveEwtStore ewt = new LiveEwtStore(clock, EwtCalculator.defaults());
    List<ApiServer.Route> routes;
    Javalin app;
    HttpCalls http;

    @BeforeAll
    void loadTheDay() throws Exception {
        server = ClickHouseServer.start(dir.resolve("clickhouse"), false, 0,
                new ClickHouseServer.AnalystLimits(2, 100_000));
        admin = ClickHouseClient.connect(server.url());
        Schema.migrate(admin, ClickHouseServer.DEFAULT_DATABASE);
        admin.execute("CREATE DATABASE IF NOT EXISTS elsewhere");
        admin.execute("CREATE TABLE IF NOT EXISTS elsewhere.secret (x String) ENGINE = Memory");
        admin.execute("INSERT INTO elsewhere.secret VALUES ('top secret')");
        admin.execute("CREATE TABLE IF NOT EXISTS default.secret_copy (x String) ENGINE = Memory");
        admin.execute("INSERT INTO default.secret_copy VALUES ('top secret')");
        pipelineUser = ClickHouseClient.connect(server.url(), "default", "", ClickHouseServer.DEFAULT_DATABASE);
        analystUser = ClickHouseClient.connect(server.url(), ClickHouseServer.ANALYST_USER, "",
                ClickHouseServer.DEFAULT_DATABASE);
        day = ReplayedDay.load(SIMULATION, dir, server.url(), ClickHouseServer.DEFAULT_DATABASE, pipelineUser);
        gateway = new ClickHouseGateway(pipelineUser, Duration.ofSeconds(30));
        analyst = new ClickHouseGateway(analystUser, Duration.ofSeconds(30), pipelineUser);
        routes = ReportingRoutes.of(gateway, analyst, ewt, clock);
        app = TestServers.start(TestServers.deps(clock, ewt, routes));
        http = new HttpCalls(app.port());
    }

    @AfterAll
    void stop() {
        TestServers.stopAll(app, server == null ? null : server::stop, gateway, analyst, pipelineUser, analystUser,
                admin);
    }

    JsonNode get(String path, String key) {
        return http.getOk(path, key);
    }

    JsonNode get(String path) {
        return get(path, TestServers.MANAGER_KEY);
    }

    HttpCalls.Reply post(String path, Object body) {
        return http.post(path, TestServers.ANALYST_KEY, body instanceof String s ? s
                : Json.MAPPER.valueToTree(body).toString());
    }

    // ---- the day itself -----------------------------------------------------------------------------------------

    @Test
    void theReplayLoadedAVariedDay() {
        // what the assertions below rely on: a day with every kind of journey, all inside the Paris day
        assertThat(day.sessions).hasSizeGreaterThan(1500);
        assertThat(day.waits).hasSizeGreaterThan(1000);
        assertThat(day.waits.stream().filter(w -> w.waitMs() > SERVICE_LEVEL_MS).count()).isPositive();
        assertThat(day.rows(r -> r.get("abandoned").asInt() == 1)).isNotEmpty();
        assertThat(day.rows(r -> !ReplayedDay.isNull(r, "notRoutedReason"))).isNotEmpty();
        assertThat(day.rows(r -> r.get("reactivated").asInt() == 1)).isNotEmpty();
        assertThat(day.rows(r -> r.get("endedAfterInactivity").asInt() == 1).size()
                + day.rows(r -> r.get("status").asText().equals("INACTIVE")).size()).isPositive();
        assertThat(day.events).allSatisfy(e -> assertThat(Instant.ofEpochMilli(e.ts()))
                .isBetween(DAY_START, DAY_END.minusMillis(1)));
        assertThat(day.invalidLines).isPositive();
        assertThat(day.duplicates).isPositive();
        // the landing tables of the replay hold every valid event once and every invalid line with a reason
        assertThat(pipelineUser.queryLong("SELECT count() FROM session_events FINAL")).isEqualTo(day.events.size());
        assertThat(pipelineUser.queryLong("SELECT count() FROM rejected_events")).isEqualTo(day.invalidLines);
        // the KPI job also wrote the distinct-session facts and kpi_rollup: the API's sources, compared below
        assertThat(pipelineUser.queryLong("SELECT count() FROM kpi_facts FINAL WHERE deleted = 0 "
                + "AND kind = 'SESSION_ANSWERED' AND position(detail, 'session') > 0"))
                .isEqualTo(day.rows(r -> r.get("queueWaits").asInt() > 0).size());
        assertThat(pipelineUser.queryLong("SELECT count() FROM kpi_rollup FINAL WHERE facts != 0")).isPositive();
    }

    // ---- who may call what, and bad input ------------------------------------------------------------------------

    @Test
    void everyRoleAgainstEveryEndpointOverTheDay() {
        ApiAuthMatrixTest.assertEveryRoleAgainstEveryEndpoint(app, routes);
    }

    @Test
    void badInputIs400NamingTheParameter() {
        ApiKpiTest.assertBadInputIs400NamingTheParameter(http, DAY_START, DAY_END);
        // report bodies: every field checked against the catalog, named in the 400
        Map<Object, String> cases = new LinkedHashMap<>();
        cases.put(definition("metrics", List.of("answered", "revenue")), "metrics[1]");
        cases.put(definition("metrics", List.of("answered"), "groupBy", List.of("topic")), "groupBy[0]");
        cases.put(definition("metrics", List.of("answered"), "filters", Map.of("status", List.of("ENDED"))),
                "filters.status");
        cases.put(definition("metrics", List.of("answered"), "tz", "Europe/Lutetia"), "tz");
        cases.put(definition("metrics", List.of("answered"), "from", "2026-10-26"), "from");
        cases.put(definition("metrics", List.of("answered"), "from", "yesterday"), "from");
        cases.put(definition("metrics", List.of("answered"), "groupBy", List.of("time"), "granularity", "1m",
                "from", "2026-01-01", "to", "2026-03-01"), "granularity");
        cases.put("{\"metrics\": [\"answered\"", "body");
        cases.forEach((body, field) -> {
            var r = post("/api/v1/reports/run", body);
            assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("BAD_REQUEST");
            assertThat(r.json().get("parameter").asText()).as(body.toString()).isEqualTo(field);
        });
        var tooLarge = post("/api/v1/sql", "{\"sql\": \"SELECT '" + "x".repeat(1_100_000) + "'\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(http.get("/api/v1/kpi", TestServers.MANAGER_KEY).status()).isEqualTo(404);
        assertThat(http.method("PUT", "/api/v1/kpis?" + PARIS_DAY, TestServers.MANAGER_KEY, "").status())
                .isEqualTo(405);
    }

    // ---- independent expectations -------------------------------------------------------------------------------

    /** ClickHouse's quantileExact, the documented definition: the value at ⌊level·n⌋ of the sorted values. */
    static Long quantileExact(List<Long> values, double level) {
        if (values.isEmpty()) return null;
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get((int) (level * sorted.size()));
    }

    static long sum(List<JsonNode> rows, String field) {
        return rows.stream().filter(r -> !ReplayedDay.isNull(r, field)).mapToLong(r -> r.get(field).asLong()).sum();
    }

    static long countWhere(List<JsonNode> rows, Predicate<JsonNode> p) {
        return rows.stream().filter(p).count();
    }

    static Double ratio(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    static void duration(Map<String, Object> out, String name, long count, long sum, List<Long> values) {
        out.put(name + ".count", count);
        out.put(name + ".sum", sum);
        out.put(name + ".avg", count == 0 ? null : (double) sum / count);
        out.put(name + ".max", values.stream().max(Long::compare).orElse(null));
        out.put(name + ".p50", quantileExact(values, 0.5));
        out.put(name + ".p90", quantileExact(values, 0.9));
    }

    /**
     * Every KPI of a range that holds whole journeys (the Paris day holds the whole simulation), for the sessions of
     * one queue (null: all), keyed by its path in the API's KPI object.
     */
    Map<String, Object> expectedKpis(String queue) {
        Predicate<String> inQueue = q -> queue == null || queue.equals(q);
        List<JsonNode> rows = day.rows(r -> inQueue.test(ReplayedDay.text(r, "queueId")));
        List<Wait> waits = day.waits.stream().filter(w -> inQueue.test(w.queueId())).toList();
        List<Handle> handles = day.handles.stream().filter(h -> inQueue.test(h.queueId())).toList();
        List<Reply> replies = day.replies.stream().filter(r -> inQueue.test(r.queueId())).toList();
        List<Queued> queued = day.queued.stream().filter(q -> inQueue.test(q.queueId())).toList();

        // the individual values read off the events add up to the rows' sums: same journeys, same definitions
        assertThat(waits.stream().mapToLong(Wait::waitMs).sum()).isEqualTo(sum(rows, "waitMs"));
        assertThat((long) waits.size()).isEqualTo(sum(rows, "queueWaits"));
        assertThat(handles.stream().mapToLong(Handle::handleMs).sum()).isEqualTo(sum(rows, "handleMs"));
        assertThat((long) replies.size()).isEqualTo(sum(rows, "repReplies"));
        assertThat(replies.stream().mapToLong(Reply::responseMs).sum()).isEqualTo(sum(rows, "repResponseSumMs"));
        long stillWaiting = countWhere(rows, r -> r.get("status").asText().equals("WAITING"));
        long abandoned = countWhere(rows, r -> r.get("abandoned").asInt() == 1);
        assertThat((long) queued.size()).isEqualTo(sum(rows, "queueWaits") + abandoned + stillWaiting);

        Map<String, Object> k = new LinkedHashMap<>();
        k.put("started", (long) rows.size());
        k.put("queued", (long) queued.size());
        k.put("answered", sum(rows, "queueWaits"));
        long withinSl = waits.stream().filter(w -> w.waitMs() <= SERVICE_LEVEL_MS).count();
        k.put("answeredWithinSl", withinSl);
        k.put("abandoned", abandoned);
        k.put("notRouted", countWhere(rows, r -> !ReplayedDay.isNull(r, "notRoutedReason")));
        k.put("casesCreated", countWhere(rows, r -> r.get("caseCreated").asInt() == 1));
        k.put("ended", countWhere(rows, r -> !ReplayedDay.isNull(r, "endedAtMs")));
        k.put("inactiveEvents", sum(rows, "inactiveCount"));
        k.put("autoInactiveEvents", sum(rows, "autoInactiveCount"));
        long reactivatedSessions = countWhere(rows, r -> r.get("reactivated").asInt() == 1);
        long reactivations = rows.stream().mapToLong(r -> day.reactivations.getOrDefault(
                r.get("sessionId").asText(), 0)).sum();
        assertThat(day.reactivations.keySet().stream().filter(s -> rows.contains(day.sessions.get(s))).count())
                .isEqualTo(reactivatedSessions);
        k.put("reactivated", reactivations);
        k.put("endedAfterInactivity", countWhere(rows, r -> r.get("endedAfterInactivity").asInt() == 1));
        long sessionsAnswered = countWhere(rows, r -> r.get("queueWaits").asInt() > 0);
        long sessionsInactive = countWhere(rows, r -> r.get("inactiveCount").asInt() > 0);
        k.put("sessionsAnswered", sessionsAnswered);
        k.put("sessionsInactive", sessionsInactive);
        k.put("sessionsJoined", countWhere(rows, r -> !ReplayedDay.isNull(r, "repId")));
        k.put("sessionsReactivated", reactivatedSessions);
        duration(k, "waitMs", sum(rows, "queueWaits"), sum(rows, "waitMs"),
                waits.stream().map(Wait::waitMs).toList());
        List<Long> firstResponses = rows.stream().filter(r -> !ReplayedDay.isNull(r, "firstResponseMs"))
                .map(r -> r.get("firstResponseMs").asLong()).toList();
        duration(k, "firstResponseMs", firstResponses.size(), sum(rows, "firstResponseMs"), firstResponses);
        duration(k, "repResponseMs", sum(rows, "repReplies"), sum(rows, "repResponseSumMs"),
                replies.stream().map(Reply::responseMs).toList());
        k.put("repResponseMs.max", rows.stream().filter(r -> !ReplayedDay.isNull(r, "repMaxResponseMs"))
                .map(r -> r.get("repMaxResponseMs").asLong()).max(Long::compare).orElse(null));
        duration(k, "handleMs", handles.size(), sum(rows, "handleMs"),
                handles.stream().map(Handle::handleMs).toList());
        List<Long> acws = rows.stream().filter(r -> !ReplayedDay.isNull(r, "acwMs"))
                .map(r -> r.get("acwMs").asLong()).toList();
        duration(k, "acwMs", acws.size(), sum(rows, "acwMs"), acws);
        // sessions a rep joined: repId is the last rep who joined, null when none did
        long joined = countWhere(rows, r -> !ReplayedDay.isNull(r, "repId"));
        k.put("rates.inactivityRate", ratio(sessionsInactive, joined));
        k.put("rates.reactivationRate", ratio(reactivatedSessions, sessionsInactive));
        k.put("rates.abandonmentRate", ratio(abandoned, queued.size()));
        k.put("rates.serviceLevel", ratio(withinSl, sum(rows, "queueWaits")));
        k.put("rates.autoInactiveShare", ratio(sum(rows, "autoInactiveCount"), sum(rows, "inactiveCount")));
        k.put("notRoutedByReason", rows.stream().filter(r -> !ReplayedDay.isNull(r, "notRoutedReason"))
                .collect(Collectors.groupingBy(r -> r.get("notRoutedReason").asText(), TreeMap::new,
                        Collectors.counting())));
        k.put("endedBy", rows.stream().filter(r -> !ReplayedDay.isNull(r, "endedAtMs"))
                .collect(Collectors.groupingBy(r -> Objects.requireNonNullElse(ReplayedDay.text(r, "endedBy"),
                        "UNKNOWN"), TreeMap::new, Collectors.counting())));
        return k;
    }

    static JsonNode at(JsonNode kpis, String path) {
        JsonNode n = kpis;
        for (String part : path.split("\\.")) n = n.path(part);
        return n;
    }

    static void assertValue(String what, JsonNode actual, Object expected) {
        if (expected == null) {
            assertThat(actual.isNull()).as(what + " = null, was " + actual).isTrue();
        } else if (expected instanceof Double d) {
            assertThat(actual.isNumber()).as(what + " is a number: " + actual).isTrue();
            assertThat(actual.asDouble()).as(what).isCloseTo(d, within(1e-9 * Math.max(1, Math.abs(d))));
        } else if (expected instanceof Map<?, ?> m) {
            Map<String, Long> got = new TreeMap<>();
            actual.fields().forEachRemaining(e -> got.put(e.getKey(), e.getValue().asLong()));
            assertThat(got).as(what).isEqualTo(m);
        } else {
            assertThat(actual.isNumber()).as(what + " is a number: " + actual).isTrue();
            assertThat(actual.asLong()).as(what).isEqualTo(((Number) expected).longValue());
        }
    }

    static void assertKpis(String what, JsonNode kpis, Map<String, Object> expected) {
        expected.forEach((path, value) -> assertFigure(what + " " + path, path, at(kpis, path), value));
    }

    /** As assertValue, but a percentile (path …p50 / …p90) within 1 % (+0.5 ms) of the exact value: LogHistogram. */
    static void assertFigure(String what, String path, JsonNode actual, Object expected) {
        if ((path.endsWith(".p50") || path.endsWith(".p90")) && expected != null) {
            assertPercentile(what, actual, ((Number) expected).longValue());
        } else {
            assertValue(what, actual, expected);
        }
    }

    static void assertPercentile(String what, JsonNode actual, long exact) {
        ApiKpiTest.assertPercentile(what, actual, exact);
    }

    // ---- KPIs ---------------------------------------------------------------------------------------------------

    @Test
    void totalsOfTheDayEqualFiguresComputedFromTheSessionRows() {
        JsonNode body = get("/api/v1/kpis?" + PARIS_DAY + "&granularity=1d");
        Map<String, Object> expected = expectedKpis(null);
        assertKpis("totals", body.get("totals"), expected);
        assertThat(body.get("series")).hasSize(1);
        assertKpis("the one Paris day", body.get("series").get(0).get("kpis"), expected);
        // the summary's totals are the same figures; the day before had nothing
        JsonNode summary = get("/api/v1/kpis/summary?" + PARIS_DAY + "&compare=previous");
        assertKpis("summary", summary.get("totals"), expected);
        assertThat(summary.get("previous").get("from").asText()).isEqualTo("2026-10-23T21:00:00Z");
        assertThat(summary.get("previous").get("totals").get("started").asLong()).isZero();
        assertThat(summary.get("previous").get("totals").get("waitMs").get("avg").isNull()).isTrue();
        assertThat(summary.get("change").get("started").get("current").asLong()).isEqualTo(day.sessions.size());
        assertThat(summary.get("change").get("started").get("relative").isNull()).isTrue();
    }

    @Test
    void totalsPerQueueEqualFiguresComputedFromTheSessionRows() {
        for (String queue : SimulatorConfig.DEFAULT_QUEUES) {
            JsonNode body = get("/api/v1/kpis/summary?" + PARIS_DAY + "&queueId=" + queue);
            assertKpis(queue, body.get("totals"), expectedKpis(queue));
        }
        // billing keeps weekday hours: on a Sunday every billing chat is turned away with a case
        JsonNode all = get("/api/v1/kpis/summary?" + PARIS_DAY).get("totals");
        assertThat(all.get("notRoutedByReason").get("OUTSIDE_BUSINESS_HOURS").asLong()).isPositive();
    }

    /** Counts of an hour or a day, each placed at the event that completes it, from the rows and the events. */
    Map<String, Object> expectedCounts(Instant from, Instant to) {
        Predicate<Long> in = ms -> ms >= from.toEpochMilli() && ms < to.toEpochMilli();
        Function<String, Predicate<JsonNode>> at = field -> r -> !ReplayedDay.isNull(r, field)
                && in.test(r.get(field).asLong());
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("started", (long) day.rows(at.apply("startedAtMs")).size());
        k.put("ended", (long) day.rows(at.apply("endedAtMs")).size());
        k.put("abandoned", (long) day.rows(r -> r.get("abandoned").asInt() == 1 && at.apply("endedAtMs").test(r))
                .size());
        k.put("queued", day.queued.stream().filter(q -> in.test(q.atMs())).count());
        List<Long> waits = day.waits.stream().filter(w -> in.test(w.atMs())).map(Wait::waitMs).toList();
        k.put("answered", (long) waits.size());
        k.put("waitMs.sum", waits.stream().mapToLong(Long::longValue).sum());
        k.put("waitMs.p90", quantileExact(waits, 0.9));
        k.put("handleMs.count", day.handles.stream().filter(h -> in.test(h.atMs())).count());
        // ACW falls at ACW_COMPLETED = ENDED + acwMs
        k.put("acwMs.count", (long) day.rows(r -> !ReplayedDay.isNull(r, "acwMs")
                && in.test(r.get("endedAtMs").asLong() + r.get("acwMs").asLong())).size());
        return k;
    }

    @Test
    void parisHoursOfTheDstDay() {
        JsonNode series = get("/api/v1/kpis?" + PARIS_DAY + "&granularity=1h").get("series");
        assertThat(series).hasSize(25);
        List<String> local = new ArrayList<>();
        series.forEach(b -> local.add(b.get("startLocal").asText()));
        assertThat(local.subList(0, 5)).containsExactly("2026-10-25T00:00+02:00", "2026-10-25T01:00+02:00",
                "2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00", "2026-10-25T03:00+01:00");
        assertThat(local.get(24)).isEqualTo("2026-10-25T23:00+01:00");
        long started = 0;
        for (int i = 0; i < 25; i++) {
            JsonNode b = series.get(i);
            Instant start = DAY_START.plus(Duration.ofHours(i));
            assertThat(b.get("start").asText()).isEqualTo(start.toString());
            assertKpis(b.get("startLocal").asText(), b.get("kpis"), expectedCounts(start, start.plusSeconds(3600)));
            started += b.get("kpis").get("started").asLong();
        }
        assertThat(started).isEqualTo(day.sessions.size());
        // both 02:00 hours had traffic: the repeated hour is not merged into one
        assertThat(series.get(2).get("kpis").get("started").asLong()).isPositive();
        assertThat(series.get(3).get("kpis").get("started").asLong()).isPositive();
    }

    @Test
    void parisDaysAroundTheDstDayAndUtcDaysSplitIt() {
        JsonNode paris = get("/api/v1/kpis?from=2026-10-24&to=2026-10-27&tz=Europe/Paris&granularity=1d");
        List<String> starts = new ArrayList<>();
        paris.get("series").forEach(b -> starts.add(b.get("start").asText()));
        // 24 h, then the 25-hour day, then a CET day starting at 23:00 UTC
        assertThat(starts).containsExactly("2026-10-23T22:00:00Z", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z");
        JsonNode[] buckets = {paris.get("series").get(0), paris.get("series").get(1), paris.get("series").get(2)};
        assertKpis("the DST day", buckets[1].get("kpis"), expectedKpis(null));
        for (JsonNode empty : List.of(buckets[0], buckets[2])) {
            JsonNode k = empty.get("kpis");
            assertThat(k.get("started").asLong()).isZero();
            assertThat(k.get("answered").asLong()).isZero();
            assertThat(k.get("waitMs").get("avg").isNull()).isTrue();
            assertThat(k.get("rates").get("serviceLevel").isNull()).isTrue();
        }

        JsonNode utc = get("/api/v1/kpis?from=2026-10-24&to=2026-10-26&granularity=1d");
        assertThat(utc.get("tz").asText()).isEqualTo("UTC");
        Instant midnight = Instant.parse("2026-10-25T00:00:00Z");
        assertKpis("UTC 24th", utc.get("series").get(0).get("kpis"), expectedCounts(DAY_START, midnight));
        assertKpis("UTC 25th", utc.get("series").get(1).get("kpis"), expectedCounts(midnight, DAY_END));
        assertThat(utc.get("series").get(0).get("kpis").get("started").asLong()).isPositive();
    }

    @Test
    void quarterHoursOverTheRepeatedHour() {
        // 02:00-03:00 CEST then 02:00-03:00 CET: eight quarter hours between 00:00 and 01:00 UTC
        JsonNode series = get("/api/v1/kpis?from=2026-10-25T00:00:00Z&to=2026-10-25T01:00:00Z&tz=Europe/Paris"
                + "&granularity=15m").get("series");
        assertThat(series).hasSize(4);
        for (JsonNode b : series) {
            Instant start = Instant.parse(b.get("start").asText());
            assertKpis(b.get("startLocal").asText(), b.get("kpis"), expectedCounts(start, start.plusSeconds(900)));
        }
        assertThat(series.get(0).get("startLocal").asText()).isEqualTo("2026-10-25T02:00+02:00");
    }

    /**
     * kpi_rollup (with kpi_rollup_coarse) and kpi_facts give the same figures for every request both can answer: 15m,
     * 1h, 1d buckets and the whole range, in Paris (the 25-hour day) and UTC, over ranges read from slots, hours and
     * days, over every grouping and filter the API and reports use: every
     * count, sum and maximum, and the LogHistogram bucket of every percentile.
     */
    @Test
    void rollupAndRawFactsGiveTheSameFiguresForEveryRequestBothAnswer() {
        Wait someWait = day.waits.get(0);
        String queue = someWait.queueId();
        String rep = someWait.repId();
        // byQueue, byRep, queueIds, repIds
        List<Object[]> groupings = List.of(
                new Object[] {false, false, List.of(), List.of()},
                new Object[] {false, false, List.of(queue), List.of()},
                new Object[] {false, false, List.of("tech", "general"), List.of()},
                new Object[] {false, false, List.of(), List.of(rep)},
                new Object[] {false, false, List.of(queue), List.of(rep)},
                new Object[] {true, false, List.of(), List.of()},
                new Object[] {false, true, List.of(), List.of()},
                new Object[] {true, true, List.of(), List.of()},
                new Object[] {false, true, List.of(queue), List.of()});
        List<Granularity> granularities = new ArrayList<>(List.of(Granularity.FIFTEEN_MINUTES, Granularity.HOUR,
                Granularity.DAY));
        granularities.add(null);
        Map<String, Long> sessionsSeen = new TreeMap<>();
        int compared = 0;
        // the day itself (read from hourly rows and, per 15m bucket, slots), a range around it with a whole UTC
        // day inside and quarter hours at both ends (slots, hours and days of kpi_rollup_coarse, read together), and
        // ranges off the 15-minute marks (the raw facts of the partial slots at the ends with the rest): the day
        // cut a few minutes in at both ends, and a busy hour's minutes inside one slot and across one mark
        Instant busy = Instant.ofEpochMilli(day.waits.get(day.waits.size() / 2).atMs()).truncatedTo(ChronoUnit.HOURS);
        List<Instant[]> ranges = List.of(new Instant[] {DAY_START, DAY_END},
                new Instant[] {DAY_START.minusSeconds(900), Instant.parse("2026-10-26T00:15:00Z")},
                new Instant[] {DAY_START.plusSeconds(7 * 60 + 23), DAY_END.minusSeconds(4 * 60 + 11)},
                new Instant[] {busy.plusSeconds(60), busy.plusSeconds(14 * 60)},
                new Instant[] {busy.plusSeconds(10 * 60 + 30), busy.plusSeconds(22 * 60)});
        for (Instant[] range : ranges) {
            for (ZoneId zone : List.of(PARIS, ZoneId.of("UTC"))) {
                for (Granularity g : granularities) {
                    assertThat(KpiSource.choose(range[0], range[1], zone, g)).isEqualTo(KpiSource.ROLLUP);
                    for (Object[] grouping : groupings) {
                        boolean byQueue = (Boolean) grouping[0];
                        boolean byRep = (Boolean) grouping[1];
                        @SuppressWarnings("unchecked") List<String> queueIds = (List<String>) grouping[2];
                        @SuppressWarnings("unchecked") List<String> repIds = (List<String>) grouping[3];
                        Map<String, Object> values = ZoneOffsets.of(zone, range[0], range[1])
                                .sqlValues(g == null ? 0 : g.seconds());
                        values.put("from", range[0]);
                        values.put("to", range[1]);
                        values.put("byQueue", byQueue ? 1 : 0);
                        values.put("byRep", byRep ? 1 : 0);
                        values.put("queueIds", queueIds);
                        values.put("repIds", repIds);
                        KpiSource.Grain grain =
                                KpiSource.Grain.of(byQueue, byRep, !queueIds.isEmpty(), !repIds.isEmpty());
                        String what = range[0] + ".." + range[1] + " " + zone + " " + (g == null ? "total" : g.id())
                                + " " + Arrays.toString(grouping);
                        List<Map<String, Object>> raw = normalized(KpiSource.FACTS.series(gateway, values, grain));
                        List<Map<String, Object>> rollup = normalized(KpiSource.ROLLUP.series(gateway, values, grain));
                        // a few minutes of one rep may hold nothing; the whole-day ranges and the unfiltered ones not
                        boolean minutes = Duration.between(range[0], range[1]).toHours() < 1;
                        if (!minutes || grain == KpiSource.Grain.ALL) assertThat(raw).as(what).isNotEmpty();
                        assertThat(rollup).as(what).isEqualTo(raw);
                        raw.forEach(row -> sessionsSeen.merge(grain.sessionLevel(),
                                Long.parseLong((String) row.get("sessionsAnswered")), Long::sum));
                        compared += raw.size();
                        if (byQueue || byRep || queueIds.size() > 1 || repIds.size() > 1) continue;
                        Map<String, Object> detail = ZoneOffsets.of(zone, range[0], range[1])
                                .sqlValues(g == null ? 0 : g.seconds());
                        detail.put("from", range[0]);
                        detail.put("to", range[1]);
                        detail.put("queueId", queueIds.isEmpty() ? "" : queueIds.get(0));
                        detail.put("repId", repIds.isEmpty() ? "" : repIds.get(0));
                        List<Map<String, Object>> rawDetail =
                                normalized(KpiSource.FACTS.breakdown(gateway, detail, grain));
                        assertThat(normalized(KpiSource.ROLLUP.breakdown(gateway, detail, grain)))
                                .as(what + " breakdown").isEqualTo(rawDetail);
                        if (repIds.isEmpty() && !minutes) {
                            assertThat(rawDetail).as(what + " breakdown").isNotEmpty();
                        }
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(1000);
        // distinct sessions were counted at each level, not only zeros compared
        assertThat(sessionsSeen.keySet()).containsExactly("queue", "rep", "session");
        assertThat(sessionsSeen.values()).allSatisfy(n -> assertThat(n).isPositive());
    }

    /** A query's rows as plain values. */
    static List<Map<String, Object>> normalized(List<JsonNode> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode row : rows) {
            Map<String, Object> m = new TreeMap<>();
            row.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            out.add(m);
        }
        return out;
    }

    // ---- sessions -----------------------------------------------------------------------------------------------

    List<JsonNode> allSessionPages(String query) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = get("/api/v1/sessions?" + query + "&limit=500"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("sessions").forEach(out::add);
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null && ++pages < 100);
        return out;
    }

    @Test
    void sessionsAreTheStoredRowsInOrderAndTheirCsvIsTheSameRows() {
        List<JsonNode> json = allSessionPages(PARIS_DAY);
        assertThat(json.stream().map(s -> s.get("sessionId").asText()).toList())
                .isEqualTo(new ArrayList<>(day.sessions.keySet()));
        for (JsonNode s : json) {
            JsonNode row = day.sessions.get(s.get("sessionId").asText());
            assertThat(s.get("startedAt").asText())
                    .isEqualTo(Instant.ofEpochMilli(row.get("startedAtMs").asLong()).toString());
            for (String f : List.of("queueId", "repId", "status", "endedBy", "notRoutedReason")) {
                assertThat(s.get(f).isNull() ? null : s.get(f).asText()).as(f).isEqualTo(ReplayedDay.text(row, f));
            }
            for (String f : List.of("waitMs", "queueWaits", "handleMs", "repReplies", "inactiveCount")) {
                assertThat(s.get(f).asLong()).as(f).isEqualTo(row.get(f).asLong());
            }
            assertThat(s.get("abandoned").asBoolean()).isEqualTo(row.get("abandoned").asInt() == 1);
        }

        var csv = http.get("/api/v1/sessions?" + PARIS_DAY + "&format=csv", TestServers.MANAGER_KEY);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        List<String> header = List.of(lines.get(0).split(",", -1));
        assertThat(header).startsWith("sessionId", "channel", "topic", "queueId", "repId", "startedAt");
        assertThat(lines).hasSize(json.size() + 1);
        for (int i = 0; i < json.size(); i++) {
            // no field of a session holds a comma or a quote, so a plain split reads the CSV
            String[] cells = lines.get(i + 1).split(",", -1);
            assertThat(cells).hasSize(header.size());
            JsonNode s = json.get(i);
            for (int c = 0; c < header.size(); c++) {
                JsonNode v = s.get(header.get(c));
                assertThat(cells[c]).as("row %d %s", i, header.get(c)).isEqualTo(v.isNull() ? "" : v.asText());
            }
        }
        // every status the jobs write is a filter, STARTED included (a session not yet queued, refused or joined)
        for (String status : List.of("STARTED", "WAITING", "ACTIVE", "INACTIVE", "ENDED", "NOT_ROUTED")) {
            assertThat(allSessionPages(PARIS_DAY + "&status=" + status)).as(status)
                    .hasSize(day.rows(r -> r.get("status").asText().equals(status)).size());
        }
        // a filtered selection as CSV through Accept: the same rows as the filtered JSON
        List<JsonNode> abandoned = allSessionPages(PARIS_DAY + "&queueId=tech&abandoned=true");
        assertThat(abandoned).hasSize(day.rows(r -> "tech".equals(ReplayedDay.text(r, "queueId"))
                && r.get("abandoned").asInt() == 1).size()).isNotEmpty();
        var viaAccept = http.get("/api/v1/sessions?" + PARIS_DAY + "&queueId=tech&abandoned=true",
                TestServers.MANAGER_KEY, "text/csv");
        assertThat(viaAccept.body().lines().skip(1).map(l -> l.split(",", -1)[0]).toList())
                .isEqualTo(abandoned.stream().map(s -> s.get("sessionId").asText()).toList());
    }

    @Test
    void liveQueuesAtTheEndOfTheDay() {
        JsonNode body = get("/api/v1/queues");
        Map<String, JsonNode> byQueue = new HashMap<>();
        body.get("queues").forEach(q -> byQueue.put(q.get("queueId").asText(), q));
        for (String queue : List.of("tech", "general")) {
            List<JsonNode> rows = day.rows(r -> queue.equals(ReplayedDay.text(r, "queueId")));
            ToLongFunction<String> n = st -> rows.stream().filter(r -> r.get("status").asText().equals(st)).count();
            JsonNode q = byQueue.get(queue);
            assertThat(q).as(queue).isNotNull();
            assertThat(q.get("waiting").asLong()).as(queue).isEqualTo(n.applyAsLong("WAITING"));
            assertThat(q.get("active").asLong()).as(queue).isEqualTo(n.applyAsLong("ACTIVE"));
            assertThat(q.get("inactive").asLong()).as(queue).isEqualTo(n.applyAsLong("INACTIVE"));
            assertThat(q.get("repsWithActiveSessions").asLong()).as(queue).isEqualTo(rows.stream()
                    .filter(r -> r.get("status").asText().equals("ACTIVE")).map(r -> r.get("repId").asText())
                    .distinct().count());
            Long oldest = rows.stream().filter(r -> r.get("status").asText().equals("WAITING"))
                    .map(r -> day.latestQueuedMs.get(r.get("sessionId").asText())).min(Long::compare).orElse(null);
            if (oldest == null) assertThat(q.get("longestCurrentWaitMs").isNull()).isTrue();
            else assertThat(q.get("longestCurrentWaitMs").asLong()).isEqualTo(DAY_END.toEpochMilli() - oldest);
        }
    }

    // ---- EWT ----------------------------------------------------------------------------------------------------

    @Test
    void ewtAccuracyEqualsPredictionsReplayedWithTheSharedDefinition() {
        JsonNode body = get("/api/v1/ewt/accuracy?" + PARIS_DAY);
        EwtCalculator calc = EwtCalculator.defaults();
        assertThat(body.get("queues").findValuesAsText("queueId")).containsExactly("general", "tech");
        for (JsonNode q : body.get("queues")) {
            String queue = q.get("queueId").asText();
            List<WaitSample> samples = day.waits.stream().filter(w -> w.queueId().equals(queue))
                    .sorted(java.util.Comparator.comparingLong(Wait::atMs))
                    .map(w -> new WaitSample(w.atMs(), w.waitMs())).toList();
            List<Queued> queued = day.queued.stream().filter(x -> x.queueId().equals(queue)).toList();
            List<Long> errors = new ArrayList<>();
            long withoutEstimate = 0;
            for (Queued x : queued) {
                // the estimate in force when the session entered the queue: waits that ended before that instant
                Long predicted = calc.at(samples.stream().filter(s -> s.atMs() < x.atMs()).toList(), x.atMs())
                        .estimatedWaitMs();
                if (predicted == null) withoutEstimate++;
                else if (x.actualMs() != null) errors.add(predicted - x.actualMs());
            }
            List<Long> abs = errors.stream().map(Math::abs).toList();
            assertThat(q.get("queued").asLong()).as(queue).isEqualTo(queued.size());
            assertThat(q.get("abandoned").asLong()).as(queue).isEqualTo(queued.stream().filter(Queued::abandoned)
                    .count());
            assertThat(q.get("withoutEstimate").asLong()).as(queue).isEqualTo(withoutEstimate);
            assertThat(q.get("count").asLong()).as(queue).isEqualTo(errors.size());
            assertThat(q.get("biasMs").asDouble()).as(queue).isCloseTo(
                    errors.stream().mapToLong(Long::longValue).average().orElseThrow(), within(1e-6));
            assertThat(q.get("meanAbsoluteErrorMs").asDouble()).as(queue).isCloseTo(
                    abs.stream().mapToLong(Long::longValue).average().orElseThrow(), within(1e-6));
            assertThat(q.get("p90AbsoluteErrorMs").asLong()).as(queue).isEqualTo(quantileExact(abs, 0.9));
            assertThat(q.get("within30sShare").asDouble()).as(queue).isCloseTo(
                    (double) abs.stream().filter(e -> e <= 30_000).count() / abs.size(), within(1e-9));
        }
    }

    @Test
    void liveEwtOfTheDaysLastWaitsGoesNullWhenTheyAgeOutWithNoNewEvents() {
        EwtCalculator calc = EwtCalculator.defaults();
        List<WaitSample> tech = day.waits.stream().filter(w -> w.queueId().equals("tech"))
                .sorted(java.util.Comparator.comparingLong(Wait::atMs))
                .map(w -> new WaitSample(w.atMs(), w.waitMs())).toList();
        long last = tech.get(tech.size() - 1).atMs();
        List<WaitSample> inForce = calc.inForce(tech, last);
        // the snapshot the jobs publish on queue-ewt after the day's last tech wait
        ewt.accept(new EwtSnapshot("tech", last, calc.figures(inForce), inForce));
        // its figures are the ones the replay wrote to queue_ewt at that instant
        JsonNode jobRow = pipelineUser.queryJson("SELECT estimatedWaitMs, meanWaitMs, p50WaitMs, p90WaitMs, "
                + "sampleSize FROM queue_ewt FINAL WHERE queueId = 'tech' AND asOfMs <= " + last
                + " ORDER BY asOfMs DESC LIMIT 1").get(0);
        try {
            clock.set(Instant.ofEpochMilli(last));
            JsonNode live = get("/api/v1/queues/tech/ewt", TestServers.CHAT_KEY);
            for (String f : List.of("estimatedWaitMs", "meanWaitMs", "p50WaitMs", "p90WaitMs", "sampleSize")) {
                assertThat(live.get(f).asLong()).as(f).isEqualTo(jobRow.get(f).asLong());
            }
            assertThat(live.get("sampleSize").asInt()).isEqualTo(inForce.size()).isPositive();

            // no event after the day's end: by the test's clock, every sample leaves the 10-minute horizon
            long newest = inForce.get(0).atMs();
            long gone = newest + calc.windowMs();
            for (long t = last; t < gone; t += 60_000) {
                clock.set(Instant.ofEpochMilli(t));
                JsonNode e = get("/api/v1/queues/tech/ewt", TestServers.CHAT_KEY);
                EwtFigures expected = calc.at(tech, t);
                assertThat(e.get("sampleSize").asInt()).as("at %s", Instant.ofEpochMilli(t))
                        .isEqualTo(expected.sampleSize()).isPositive();
                assertThat(e.get("estimatedWaitMs").asLong()).isEqualTo(expected.estimatedWaitMs());
            }
            clock.set(Instant.ofEpochMilli(gone - 1));
            assertThat(get("/api/v1/queues/tech/ewt", TestServers.CHAT_KEY).get("sampleSize").asInt()).isEqualTo(1);
            clock.set(Instant.ofEpochMilli(gone));
            JsonNode none = get("/api/v1/queues/tech/ewt", TestServers.CHAT_KEY);
            assertThat(none.get("sampleSize").asInt()).isZero();
            assertThat(none.get("estimatedWaitMs").isNull()).isTrue();
            assertThat(none.get("estimatedWaitSeconds").isNull()).isTrue();
            assertThat(none.get("asOf").asText()).isEqualTo(Instant.ofEpochMilli(gone).toString());
            JsonNode all = get("/api/v1/queues/ewt", TestServers.CHAT_KEY);
            assertThat(all.get("queues").get(0).get("sampleSize").asInt()).isZero();
            // the jobs, too, ended with an empty EWT for tech once the samples aged out (event-time timers)
            JsonNode jobEnd = pipelineUser.queryJson("SELECT sampleSize, asOfMs FROM queue_ewt FINAL "
                    + "WHERE queueId = 'tech' ORDER BY asOfMs DESC LIMIT 1").get(0);
            assertThat(jobEnd.get("sampleSize").asInt()).isZero();
            assertThat(jobEnd.get("asOfMs").asLong()).isEqualTo(gone);
        } finally {
            clock.set(DAY_END);
            ewt.remove("tech");
        }
    }

    // ---- reports ------------------------------------------------------------------------------------------------

    static Map<String, Object> definition(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", "2026-10-25");
        m.put("to", "2026-10-26");
        m.put("tz", "Europe/Paris");
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void reportOfEveryMetricByQueueEqualsTheIndependentFigures() {
        List<String> metrics = new ArrayList<>(ReportCatalog.METRICS.keySet());
        var r = post("/api/v1/reports/run", definition("metrics", metrics, "groupBy", List.of("queueId"),
                "orderBy", "queueId"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, JsonNode> byQueue = new TreeMap<>();
        r.json().get("rows").forEach(row -> byQueue.put(row.get("queueId").asText(), row));
        // "" = facts of sessions never queued (turned away before any queue)
        assertThat(byQueue.keySet()).contains("tech", "general");
        for (String queue : byQueue.keySet()) {
            Map<String, Object> expected = queue.isEmpty() ? expectedKpisOfSessionsWithoutQueue()
                    : expectedKpis(queue);
            for (ReportCatalog.Metric m : ReportCatalog.METRICS.values()) {
                assertFigure(queue + " " + m.name(), m.path(), byQueue.get(queue).get(m.name()),
                        expected.get(m.path()));
            }
        }
        // the saved report runs to the same rows, and as CSV to the same figures
        var saved = post("/api/v1/reports", Map.of("name", "day by queue", "definition",
                definition("metrics", metrics, "groupBy", List.of("queueId"), "orderBy", "queueId")));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        String id = saved.json().get("id").asText();
        assertThat(get("/api/v1/reports/" + id + "/run", TestServers.ANALYST_KEY).get("rows"))
                .isEqualTo(r.json().get("rows"));
        var csv = http.get("/api/v1/reports/" + id + "/run?format=csv", TestServers.ANALYST_KEY);
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("queueId," + String.join(",", metrics));
        assertThat(lines).hasSize(byQueue.size() + 1);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            JsonNode row = byQueue.get(cells[0]);
            for (int i = 0; i < metrics.size(); i++) {
                JsonNode v = row.get(metrics.get(i));
                if (v.isNull()) assertThat(cells[i + 1]).isEmpty();
                else assertThat(Double.parseDouble(cells[i + 1])).as(metrics.get(i)).isEqualTo(v.asDouble());
            }
        }
        assertThat(http.method("DELETE", "/api/v1/reports/" + id, TestServers.ANALYST_KEY, null).status())
                .isEqualTo(200);
    }

    /** The facts with queue "": sessions turned away before they were ever queued (their rows have no queue). */
    Map<String, Object> expectedKpisOfSessionsWithoutQueue() {
        List<JsonNode> rows = day.rows(r -> ReplayedDay.isNull(r, "queueId"));
        Map<String, Object> k = new LinkedHashMap<>();
        for (ReportCatalog.Metric m : ReportCatalog.METRICS.values()) k.put(m.path(), 0L);
        k.put("started", (long) rows.size());
        k.put("notRouted", countWhere(rows, r -> !ReplayedDay.isNull(r, "notRoutedReason")));
        k.put("casesCreated", countWhere(rows, r -> r.get("caseCreated").asInt() == 1));
        k.put("ended", countWhere(rows, r -> !ReplayedDay.isNull(r, "endedAtMs")));
        ReportCatalog.METRICS.values().stream().filter(m -> !m.unit().equals("count"))
                .forEach(m -> k.put(m.path(), null));
        return k;
    }

    @Test
    void reportByParisHourAcrossTheDstChange() {
        var r = post("/api/v1/reports/run", definition("metrics", List.of("sessionsStarted", "answered",
                "p90WaitMs"), "groupBy", List.of("time"), "granularity", "1h", "filters",
                Map.of("queueId", List.of("tech", "general"))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, JsonNode> byHour = new LinkedHashMap<>();
        r.json().get("rows").forEach(row -> byHour.put(row.get("time").asText(), row));
        assertThat(byHour).containsKeys("2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00");
        for (int i = 0; i < 25; i++) {
            Instant start = DAY_START.plus(Duration.ofHours(i));
            Instant end = start.plusSeconds(3600);
            Predicate<Long> in = ms -> ms >= start.toEpochMilli() && ms < end.toEpochMilli();
            long started = day.rows(row -> !ReplayedDay.isNull(row, "queueId")
                    && in.test(row.get("startedAtMs").asLong())).size();
            List<Long> waits = day.waits.stream().filter(w -> in.test(w.atMs())).map(Wait::waitMs).toList();
            JsonNode row = byHour.get(start.atZone(PARIS).toOffsetDateTime().toString());
            if (started == 0 && waits.isEmpty()) {
                assertThat(row).isNull();
                continue;
            }
            assertThat(row).as("hour " + start).isNotNull();
            assertThat(row.get("sessionsStarted").asLong()).as("hour " + start).isEqualTo(started);
            assertThat(row.get("answered").asLong()).isEqualTo(waits.size());
            assertFigure("p90 " + start, "waitMs.p90", row.get("p90WaitMs"), quantileExact(waits, 0.9));
        }
    }

    @Test
    void sqlInjectionInReportFiltersReturnsNoExtraData() {
        long facts = pipelineUser.queryLong("SELECT count() FROM kpi_facts");
        long sessions = pipelineUser.queryLong("SELECT count() FROM sessions");
        for (String attack : List.of("tech' OR 1=1 --", "x') OR ('1'='1", "tech\\' OR 1=1 --",
                "'; DROP TABLE kpi_facts; --", "tech\u0000' OR '1'='1",
                "') UNION ALL SELECT * FROM elsewhere.secret --",
                "tech' OR queueId != '", "{{queueIds:Array(String)}}", "tech'), ('general")) {
            var r = post("/api/v1/reports/run", definition("metrics", List.of("answered", "sessionsStarted"),
                    "groupBy", List.of("queueId"), "filters", Map.of("queueId", List.of(attack))));
            assertThat(r.status()).as(attack + " -> " + r.body()).isEqualTo(200);
            assertThat(r.json().get("rows")).as(attack).isEmpty();
            assertThat(r.body()).doesNotContain("top secret");
            var byRep = post("/api/v1/reports/run", definition("metrics", List.of("answered"),
                    "filters", Map.of("repId", List.of(attack))));
            for (JsonNode row : byRep.json().get("rows")) assertThat(row.get("answered").asLong()).isZero();
        }
        // an attack beside a real queue adds nothing to that queue's figures
        var mixed = post("/api/v1/reports/run", definition("metrics", List.of("answered", "sessionsStarted"),
                "filters", Map.of("queueId", List.of("tech", "' OR ''='", "tech' OR 1=1 --"))));
        Map<String, Object> tech = expectedKpis("tech");
        assertThat(mixed.json().get("rows")).hasSize(1);
        assertThat(mixed.json().get("rows").get(0).get("answered").asLong()).isEqualTo(tech.get("answered"));
        assertThat(mixed.json().get("rows").get(0).get("sessionsStarted").asLong()).isEqualTo(tech.get("started"));
        assertThat(pipelineUser.queryLong("SELECT count() FROM kpi_facts")).isEqualTo(facts);
        assertThat(pipelineUser.queryLong("SELECT count() FROM sessions")).isEqualTo(sessions);
        // the URL filters take identifiers only: an attack is a 400 naming the parameter, not a query
        for (String path : List.of("/api/v1/kpis?" + PARIS_DAY + "&queueId=", "/api/v1/sessions?" + PARIS_DAY
                + "&repId=", "/api/v1/ewt/accuracy?" + PARIS_DAY + "&queueId=")) {
            var bad = http.get(path + URLEncoder.encode("tech' OR 1=1 --", StandardCharsets.UTF_8),
                    TestServers.ANALYST_KEY);
            assertThat(bad.status()).as(path).isEqualTo(400);
        }
    }

    // ---- SQL sandbox ---------------------------------------------------------------------------------------------

    HttpCalls.Reply sql(String statement) {
        return post("/api/v1/sql", Map.of("sql", statement));
    }

    @Test
    void sqlReadsTheReplayedTables() {
        var r = sql("SELECT status, count() AS n FROM sessions FINAL GROUP BY status ORDER BY status");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, Long> got = new TreeMap<>();
        r.json().get("rows").forEach(row -> got.put(row.get("status").asText(), row.get("n").asLong()));
        assertThat(got).isEqualTo(day.sessions.values().stream().collect(Collectors.groupingBy(
                row -> row.get("status").asText(), TreeMap::new, Collectors.counting())));
        var csv = post("/api/v1/sql", Map.of("sql", "SELECT count() AS n FROM sessions FINAL", "format", "csv"));
        assertThat(csv.body()).isEqualTo("n\r\n" + day.sessions.size() + "\r\n");
    }

    @Test
    void sqlSandboxRefusesWritesSettingsOtherDatabasesAndSecrets() {
        long facts = pipelineUser.queryLong("SELECT count() FROM kpi_facts");
        // statement -> what ClickHouse's refusal says (18.16's words; the reason, not just any error)
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("INSERT INTO sessions (sessionId) VALUES ('x')", "readonly mode");
        refused.put("DROP TABLE kpi_facts", "readonly mode");
        refused.put("DROP DATABASE chatkpi", "readonly mode");
        refused.put("ALTER TABLE sessions DELETE WHERE 1 = 1", "readonly mode");
        refused.put("ALTER TABLE sessions UPDATE status = 'ENDED' WHERE 1 = 1", "readonly mode");
        refused.put("ALTER TABLE kpi_facts ADD COLUMN evil UInt8", "readonly mode");
        refused.put("SELECT count() FROM sessions SETTINGS readonly = 0", "readonly mode");
        refused.put("SELECT count() FROM sessions SETTINGS max_result_rows = 0", "readonly mode");
        // the API asks for FORMAT JSONEachRow after the statement, which a SET cannot take: a syntax error here;
        // that the profile refuses SET on its own is checked below on the analyst's connection itself
        refused.put("SET readonly = 0", "Syntax error");
        refused.put("SELECT 1; DROP TABLE kpi_facts", "Multi-statements are not allowed");
        refused.put("SELECT 1; SELECT 2", "Multi-statements are not allowed");
        refused.put("SELECT x FROM elsewhere.secret", "Access denied to database elsewhere");
        refused.put("SELECT * FROM default.secret_copy", "Access denied to database default");
        refused.put("SELECT * FROM remote('127.0.0.1', elsewhere.secret)", "Table functions are forbidden");
        refused.put("SELECT * FROM url('http://127.0.0.1:1/', CSV, 'x String')", "Table functions are forbidden");
        refused.put("SELECT * FROM file('/etc/passwd', CSV, 'x String')", "Table functions are forbidden");
        // 18.16 has neither table (current releases keep users and the query log there, behind grants)
        refused.put("SELECT * FROM system.users", "doesn't exist");
        refused.put("SELECT * FROM system.query_log", "doesn't exist");
        refused.put("SELECT number FROM system.numbers LIMIT 300000", "Limit for result exceeded");
        for (var c : refused.entrySet()) {
            var r = sql(c.getKey());
            assertThat(r.status()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(c.getKey()).isEqualTo("SQL_REFUSED");
            assertThat(r.json().get("message").asText()).as(c.getKey()).startsWith("ClickHouse: ")
                    .contains(c.getValue());
            assertThat(r.body()).as(c.getKey()).doesNotContain("top secret").doesNotContain("root:");
        }
        // the analyst's own connection, without the API: the profile refuses SET and writes whatever their form
        for (String statement : List.of("SET readonly = 0", "SET max_result_rows = 0",
                "INSERT INTO kpi_facts SELECT * FROM kpi_facts")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> analystUser.execute(statement))
                    .as(statement).hasMessageContaining("readonly mode");
        }
        assertThat(pipelineUser.queryLong("SELECT count() FROM kpi_facts")).isEqualTo(facts);
        assertThat(pipelineUser.queryLong("SELECT count() FROM sessions FINAL")).isEqualTo(day.sessions.size());
        assertThat(admin.queryLong("SELECT count() FROM system.columns WHERE database = 'chatkpi' "
                + "AND name = 'evil'")).isZero();
        // what the analyst may read of the system database shows nothing of other databases
        var databases = sql("SELECT name FROM system.databases ORDER BY name");
        assertThat(databases.json().get("rows").findValuesAsText("name")).containsExactly("chatkpi", "system");
        var tables = sql("SELECT database, name FROM system.tables WHERE database NOT IN ('system')");
        assertThat(tables.json().get("rows").findValuesAsText("database")).containsOnly("chatkpi");
        var columns = sql("SELECT count() AS n FROM system.columns WHERE table LIKE 'secret%'");
        assertThat(columns.json().get("rows").get(0).get("n").asLong()).isZero();
        var slow = sql("SELECT count() FROM system.numbers WHERE sipHash64(number) = 42");
        assertThat(slow.status()).as(slow.body()).isEqualTo(504);
        assertThat(slow.json().get("error").asText()).isEqualTo("TIMEOUT");
    }
}
