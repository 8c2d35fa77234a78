package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.KpiFixture.Fact;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.api.kpi.ClickHouseGateway;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.SqlLiteral;
import io.javalin.Javalin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import io.chatkpi.testing.ClickHouseExtension;

/** The two endpoints the web dashboard added: KPIs per rep and the published EWT over time. */
@ExtendWith(ClickHouseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDashboardEndpointsTest {

    static final Instant FROM = Instant.parse("2026-10-24T00:00:00Z");
    static final Instant TO = Instant.parse("2026-10-25T00:00:00Z");

    /** A row of queue_ewt as the jobs write it. */
    record Published(String queueId, Instant asOf, Long estimatedWaitMs) {}

    final MutableClock clock = new MutableClock(TO);
    final LiveEwtStore ewt = new LiveEwtStore(clock, EwtCalculator.defaults());
    final List<Published> published = new ArrayList<>();
    KpiFixture data;
    Javalin app;
    HttpCalls http;
    ClickHouseGateway gateway;

    @BeforeAll
    void load(ClickHouseClient ch) {
        data = KpiFixture.generate(FROM, TO, 2000, 11);
        data.insert(ch);
        published.add(new Published("billing", FROM.plusSeconds(600), 30_000L));
        published.add(new Published("billing", FROM.plusSeconds(1200), 50_001L));
        published.add(new Published("billing", FROM.plusSeconds(3000), null));
        published.add(new Published("billing", FROM.plusSeconds(7300), 12_000L));
        published.add(new Published("tech", FROM.plusSeconds(3600), 90_000L));
        published.add(new Published("tech", TO, 1L)); // at `to`: outside the range
        StringJoiner values = new StringJoiner(",\n");
        for (Published p : published) {
            String ms = p.estimatedWaitMs() == null ? "NULL" : SqlLiteral.integer(p.estimatedWaitMs());
            values.add("(" + String.join(", ", SqlLiteral.string(p.queueId()), SqlLiteral.dateTime(p.asOf()),
                    SqlLiteral.integer(p.asOf().toEpochMilli()), ms, ms, ms, ms,
                    p.estimatedWaitMs() == null ? "0" : "1") + ")");
        }
        ch.execute("INSERT INTO queue_ewt (queueId, asOf, asOfMs, estimatedWaitMs, meanWaitMs, p50WaitMs, p90WaitMs, "
                + "sampleSize) VALUES " + values);
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

    @Test
    void repsCarryTheKpisOfTheirOwnFacts() {
        String range = "from=" + FROM + "&to=" + TO;
        for (String queue : new String[] {null, "tech"}) {
            String filter = queue == null ? "" : "&queueId=" + queue;
            JsonNode reps = get("/api/v1/reps?" + range + filter).get("reps");
            assertThat(reps).extracting(r -> r.get("repId").asText()).containsExactlyElementsOf(KpiFixture.REPS);
            for (JsonNode rep : reps) {
                String repId = rep.get("repId").asText();
                List<Fact> own = data.effectiveFacts().stream().filter(f -> f.repId().equals(repId))
                        .filter(f -> queue == null || f.queueId().equals(queue)).toList();
                JsonNode k = rep.get("kpis");
                assertThat(k.get("answered").asLong()).isEqualTo(own.stream()
                        .filter(f -> f.kind().equals("ANSWERED")).count());
                // per rep, a session counts once per queue it was answered in by that rep (README, Reporting API)
                assertThat(k.get("sessionsAnswered").asLong()).isEqualTo(own.stream()
                        .filter(f -> f.kind().equals("ANSWERED")).map(f -> f.sessionId() + "/" + f.queueId())
                        .distinct().count());
                List<Long> handle = own.stream().filter(f -> f.kind().equals("HANDLE") && f.valueMs() != null)
                        .map(Fact::valueMs).toList();
                assertThat(k.get("handleMs").get("count").asLong()).isEqualTo(handle.size());
                assertThat(k.get("handleMs").get("avg").asDouble()).isCloseTo(
                        handle.stream().mapToLong(Long::longValue).average().orElseThrow(), within(1e-6));
                assertThat(k.get("sessionsInactive").asLong()).isEqualTo(own.stream()
                        .filter(f -> f.kind().equals("INACTIVE")).map(f -> f.sessionId() + "/" + f.queueId())
                        .distinct().count());
                // the same figures as the KPI totals for that rep (breakdowns aside, which /reps leaves out)
                JsonNode totals = get("/api/v1/kpis/summary?" + range + filter + "&repId=" + repId).get("totals");
                for (String field : List.of("answered", "abandoned", "ended", "waitMs", "firstResponseMs",
                        "repResponseMs", "handleMs", "acwMs", "rates")) {
                    assertThat(k.get(field)).as(repId + " " + field).isEqualTo(totals.get(field));
                }
            }
        }
    }

    @Test
    void ewtHistoryAveragesThePublishedEstimatesPerBucket() {
        JsonNode body = get("/api/v1/ewt/history?from=" + FROM + "&to=" + FROM.plusSeconds(4 * 3600)
                + "&granularity=1h");
        assertThat(body.get("buckets")).hasSize(4);
        assertThat(body.get("queues")).extracting(q -> q.get("queueId").asText()).containsExactly("billing", "tech");
        JsonNode billing = body.get("queues").get(0).get("points");
        assertThat(billing).hasSize(4);
        // hour 0: 30000, 50001 and a null estimate -> avg of the two estimates, three changes
        assertThat(billing.get(0).get("changes").asLong()).isEqualTo(3);
        assertThat(billing.get(0).get("avgEstimatedWaitMs").asDouble()).isCloseTo(40_000.5, within(1e-9));
        assertThat(billing.get(0).get("maxEstimatedWaitMs").asLong()).isEqualTo(50_001);
        assertThat(billing.get(1).get("avgEstimatedWaitMs").isNull()).isTrue();
        assertThat(billing.get(1).get("changes").asLong()).isZero();
        assertThat(billing.get(2).get("avgEstimatedWaitMs").asDouble()).isEqualTo(12_000.0);
        JsonNode tech = body.get("queues").get(1).get("points");
        assertThat(tech.get(1).get("avgEstimatedWaitMs").asDouble()).isEqualTo(90_000.0);
        assertThat(tech.get(0).get("avgEstimatedWaitMs").isNull()).isTrue();

        JsonNode onlyTech = get("/api/v1/ewt/history?from=" + FROM + "&to=" + TO + "&queueId=tech&granularity=1d");
        assertThat(onlyTech.get("queues")).hasSize(1);
        // the row at `to` is outside the range
        assertThat(onlyTech.get("queues").get(0).get("points").get(0).get("changes").asLong()).isEqualTo(1);

        var bad = http.get("/api/v1/ewt/history?from=" + FROM + "&to=" + TO + "&granularity=2h",
                TestServers.MANAGER_KEY);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").asText()).isEqualTo("granularity");
    }
}
