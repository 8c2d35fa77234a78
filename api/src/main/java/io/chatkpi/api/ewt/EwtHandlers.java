package io.chatkpi.api.ewt;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.chatkpi.api.http.Json;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

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

    /** A queue's EWT and its response body, written once per change of the EWT rather than once per request. */
    private record Rendered(LiveEwt ewt, byte[] json) {}

    private final LiveEwtStore store;
    private final Clock clock;
    /** By queueId; only queues the store holds (a request for any other name must not grow it). */
    private final ConcurrentHashMap<String, Rendered> rendered = new ConcurrentHashMap<>();

    public EwtHandlers(LiveEwtStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void one(Context ctx) {
        ctx.contentType(ContentType.APPLICATION_JSON).result(body(ctx.pathParam("queueId")));
    }

    /**
     * The JSON of {@link EwtResponse} for the queue's current EWT: the store hands out the same {@link LiveEwt} as
     * long as its figures hold, so the body written for it is reused until then.
     */
    byte[] body(String queueId) {
        LiveEwt ewt = store.get(queueId);
        Rendered last = rendered.get(queueId);
        if (last != null && last.ewt() == ewt) return last.json();
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(EwtResponse.of(ewt));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the EWT of " + queueId, e);
        }
        if (ewt.asOfMs() != null) {
            rendered.put(queueId, new Rendered(ewt, json));
        } else {
            rendered.remove(queueId);
        }
        return json;
    }

    public void all(Context ctx) {
        String servedAt = Instant.ofEpochMilli(clock.millis()).toString();
        ctx.json(new AllEwtResponse(servedAt, store.all().stream().map(EwtResponse::of).toList()));
    }
}
