package io.chatkpi.api.ewt;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.api.MutableClock;
import io.chatkpi.api.http.Json;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-queue EWT body, written once per change of the queue's EWT and reused until the next one. */
class EwtHandlersTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final EwtCalculator calc = EwtCalculator.defaults();
    private final LiveEwtStore store = new LiveEwtStore(clock, calc);
    private final EwtHandlers handlers = new EwtHandlers(store, clock);

    private byte[] expected(String queue) throws Exception {
        return Json.MAPPER.writeValueAsBytes(EwtHandlers.EwtResponse.of(store.get(queue)));
    }

    private void accept(String queue, WaitSample... newestFirst) {
        store.accept(new EwtSnapshot(queue, newestFirst[0].atMs(), calc.figures(List.of(newestFirst)),
                List.of(newestFirst)));
    }

    @Test
    void theBodyIsTheResponseOfTheCurrentEwtReusedUntilItChanges() throws Exception {
        WaitSample older = new WaitSample(T0.minusSeconds(300).toEpochMilli(), 20_000);
        WaitSample newer = new WaitSample(T0.minusSeconds(60).toEpochMilli(), 50_000);
        accept("billing", newer, older);

        byte[] first = handlers.body("billing");
        assertThat(first).isEqualTo(expected("billing"));
        assertThat(new String(first, java.nio.charset.StandardCharsets.UTF_8)).contains("\"sampleSize\":2");
        clock.set(T0.plusSeconds(30));
        assertThat(handlers.body("billing")).isSameAs(first);

        // the older sample leaves the horizon: a new body, with the figures of the newer sample alone
        clock.set(Instant.ofEpochMilli(older.atMs() + EwtCalculator.DEFAULT_WINDOW_MS));
        byte[] aged = handlers.body("billing");
        assertThat(aged).isNotSameAs(first).isEqualTo(expected("billing"));
        assertThat(new String(aged, java.nio.charset.StandardCharsets.UTF_8)).contains("\"sampleSize\":1");

        // a new snapshot: a new body at once
        WaitSample latest = new WaitSample(clock.millis(), 7_000);
        accept("billing", latest, newer);
        byte[] replaced = handlers.body("billing");
        assertThat(replaced).isEqualTo(expected("billing"));
        assertThat(new String(replaced, java.nio.charset.StandardCharsets.UTF_8)).contains("\"sampleSize\":2")
                .contains("\"asOf\":\"" + Instant.ofEpochMilli(latest.atMs()) + "\"");

        // a tombstone: the queue is unknown again
        store.remove("billing");
        assertThat(new String(handlers.body("billing"), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"sampleSize\":0").contains("\"asOf\":null");
    }

    @Test
    void anUnknownQueueGetsNullsEveryTime() throws Exception {
        assertThat(handlers.body("nobody")).isEqualTo(expected("nobody"));
        accept("nobody", new WaitSample(T0.toEpochMilli(), 3_000));
        assertThat(new String(handlers.body("nobody"), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"estimatedWaitMs\":3000");
    }
}
