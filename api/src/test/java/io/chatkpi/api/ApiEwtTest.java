package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.ewt.LiveEwt;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import io.javalin.Javalin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live EWT endpoints over an in-memory store and a clock the test moves. */
class ApiEwtTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final EwtCalculator calc = EwtCalculator.defaults();
    private final LiveEwtStore store = new LiveEwtStore(clock, calc);
    private Javalin app;
    private HttpCalls http;

    @BeforeEach
    void start() {
        app = TestServers.start(TestServers.deps(clock, store, List.of()));
        http = new HttpCalls(app.port());
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    /** A snapshot as the jobs would emit it at the newest sample's time. */
    private EwtSnapshot snapshot(String queue, WaitSample... oldestFirst) {
        List<WaitSample> samples = new ArrayList<>(List.of(oldestFirst));
        long asOf = samples.stream().mapToLong(WaitSample::atMs).max().orElseThrow();
        var inForce = calc.inForce(samples, asOf);
        return new EwtSnapshot(queue, asOf, calc.figures(inForce), inForce);
    }

    private static WaitSample at(Instant t, long waitMs) {
        return new WaitSample(t.toEpochMilli(), waitMs);
    }

    @Test
    void servesTheFiguresOfTheSnapshotRoundedUpToSeconds() {
        store.accept(snapshot("billing", at(T0.minusSeconds(120), 30_000), at(T0.minusSeconds(60), 40_001)));
        JsonNode ewt = http.get("/api/v1/queues/billing/ewt", TestServers.CHAT_KEY).json();
        // weights 10 (newest) and 9: (10*40001 + 9*30000) / 19 = 35263.68 -> 35264
        assertThat(ewt.get("queueId").asText()).isEqualTo("billing");
        assertThat(ewt.get("estimatedWaitMs").asLong()).isEqualTo(35_264);
        assertThat(ewt.get("estimatedWaitSeconds").asLong()).isEqualTo(36);
        assertThat(ewt.get("meanWaitMs").asLong()).isEqualTo(35_001);
        assertThat(ewt.get("p50WaitMs").asLong()).isEqualTo(30_000);
        assertThat(ewt.get("p90WaitMs").asLong()).isEqualTo(40_001);
        assertThat(ewt.get("sampleSize").asInt()).isEqualTo(2);
        assertThat(ewt.get("asOf").asText()).isEqualTo(T0.minusSeconds(60).toString());
        assertThat(http.get("/api/v1/queues/billing/ewt", TestServers.CHAT_KEY).header("Content-Type"))
                .startsWith("application/json");
    }

    @Test
    void unknownQueueIsOkWithNulls() {
        var reply = http.get("/api/v1/queues/nobody/ewt", TestServers.CHAT_KEY);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode ewt = reply.json();
        assertThat(ewt.get("queueId").asText()).isEqualTo("nobody");
        for (String f : List.of("estimatedWaitMs", "estimatedWaitSeconds", "meanWaitMs", "p50WaitMs", "p90WaitMs",
                "asOf")) {
            assertThat(ewt.get(f).isNull()).as(f).isTrue();
        }
        assertThat(ewt.get("sampleSize").asInt()).isZero();
    }

    @Test
    void samplesAgeOutByTheWallClockWithNoNewEvents() {
        Instant first = T0.minusSeconds(300);
        Instant second = T0.minusSeconds(60);
        store.accept(snapshot("sales", at(first, 20_000), at(second, 50_000)));
        assertThat(http.get("/api/v1/queues/sales/ewt", TestServers.CHAT_KEY).json().get("sampleSize").asInt())
                .isEqualTo(2);

        // the older sample leaves the 10-minute horizon: figures recomputed from the newer one alone
        clock.set(first.plus(Duration.ofMinutes(10)));
        JsonNode one = http.get("/api/v1/queues/sales/ewt", TestServers.CHAT_KEY).json();
        assertThat(one.get("sampleSize").asInt()).isEqualTo(1);
        assertThat(one.get("estimatedWaitMs").asLong()).isEqualTo(50_000);
        assertThat(one.get("asOf").asText()).isEqualTo(first.plus(Duration.ofMinutes(10)).toString());

        // one ms before the newer one ages out it still counts; at exactly +10 min it is gone
        clock.set(second.plus(Duration.ofMinutes(10)).minusMillis(1));
        assertThat(http.get("/api/v1/queues/sales/ewt", TestServers.CHAT_KEY).json().get("sampleSize").asInt())
                .isEqualTo(1);
        clock.set(second.plus(Duration.ofMinutes(10)));
        JsonNode none = http.get("/api/v1/queues/sales/ewt", TestServers.CHAT_KEY).json();
        assertThat(none.get("sampleSize").asInt()).isZero();
        assertThat(none.get("estimatedWaitMs").isNull()).isTrue();
        assertThat(none.get("estimatedWaitSeconds").isNull()).isTrue();
        assertThat(none.get("asOf").asText()).isEqualTo(second.plus(Duration.ofMinutes(10)).toString());
    }

    @Test
    void agingAgreesWithTheSharedCalculatorAtEveryMinute() {
        List<WaitSample> samples = new ArrayList<>();
        for (int i = 0; i < 14; i++) samples.add(at(T0.minusSeconds(700 - 45L * i), 10_000 + 1_000L * i));
        store.accept(snapshot("q", samples.toArray(WaitSample[]::new)));
        long asOf = samples.get(samples.size() - 1).atMs();
        List<WaitSample> held = calc.inForce(samples, asOf);
        List<WaitSample> heldOldestFirst = new ArrayList<>(held);
        heldOldestFirst.sort(Comparator.comparingLong(WaitSample::atMs));
        for (int minute = 0; minute <= 12; minute++) {
            clock.set(T0.plus(Duration.ofMinutes(minute)));
            LiveEwt live = store.get("q");
            assertThat(live.figures()).as("minute %d", minute)
                    .isEqualTo(calc.at(heldOldestFirst, clock.millis()));
        }
    }

    @Test
    void allQueuesAtOnce() {
        store.accept(snapshot("b", at(T0.minusSeconds(10), 5_000)));
        store.accept(snapshot("a", at(T0.minusSeconds(20), 7_000)));
        JsonNode all = http.get("/api/v1/queues/ewt", TestServers.CHAT_KEY).json();
        assertThat(all.get("servedAt").asText()).isEqualTo(T0.toString());
        assertThat(all.get("queues")).hasSize(2);
        assertThat(all.get("queues").get(0).get("queueId").asText()).isEqualTo("a");
        assertThat(all.get("queues").get(1).get("estimatedWaitSeconds").asLong()).isEqualTo(5);
        assertThat(http.get("/metrics", null).body()).contains("chatkpi_ewt_newest_snapshot_age_seconds 10\n")
                .contains("chatkpi_ewt_queues 2\n");
    }

    @Test
    void anOlderSnapshotDoesNotReplaceANewerOne() {
        store.accept(snapshot("q", at(T0.minusSeconds(10), 9_000)));
        store.accept(snapshot("q", at(T0.minusSeconds(30), 1_000)));
        assertThat(store.get("q").figures().estimatedWaitMs()).isEqualTo(9_000);
        store.remove("q");
        assertThat(store.get("q").figures().sampleSize()).isZero();
    }
}
