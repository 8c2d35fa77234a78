package io.chatkpi.api.ewt;

import io.chatkpi.ingest.ewt.EwtFigures;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** GET /api/v1/queues/{queueId}/ewt and GET /api/v1/queues/ewt: served from memory, no ClickHouse query. */
public final class EwtHandlers {

    /** The EWT of one queue as the chat service reads it. */
    public record EwtResponse(String queueId, Long estimatedWaitMs, Long estimatedWaitSeconds, Long meanWaitMs,
                              Long p50WaitMs, Long p90WaitMs, int sampleSize, String asOf) {
        public static EwtResponse of(LiveEwt e) {
            EwtFigures f = e.figures();
            return new EwtResponse(e.queueId(), f.estimatedWaitMs(), e.estimatedWaitSeconds(), f.meanWaitMs(),
                    f.p50WaitMs(), f.p90WaitMs(), f.sampleSize(), e.asOfIso());
        }
    }

    /** All queues at once, evaluated at one instant. */
    public record AllEwtResponse(String servedAt, List<EwtResponse> queues) {}

    private final LiveEwtStore store;
    private final Clock clock;

    public EwtHandlers(LiveEwtStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void one(Context ctx) {
        ctx.json(EwtResponse.of(store.get(ctx.pathParam("queueId"))));
    }

    public void all(Context ctx) {
        String servedAt = Instant.ofEpochMilli(clock.millis()).toString();
        ctx.json(new AllEwtResponse(servedAt, store.all().stream().map(EwtResponse::of).toList()));
    }
}
