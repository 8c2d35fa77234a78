package io.chatkpi.ingest.ewt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON of an {@link EwtSnapshot} on the {@code queue-ewt} topic:
 * <pre>{"queueId":"billing","asOf":"2026-11-25T10:00:00Z","asOfMs":1795600800000,"estimatedWaitMs":41000,
 *  "meanWaitMs":39000,"p50WaitMs":38000,"p90WaitMs":52000,"sampleSize":2,
 *  "samples":[{"at":"2026-11-25T10:00:00Z","atMs":1795600800000,"waitMs":44000}, ...]}</pre>
 * Samples newest first; nulls written as null.
 */
public final class EwtSnapshotJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EwtSnapshotJson() {}

    public static String encode(EwtSnapshot s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("queueId", s.queueId());
        o.put("asOf", Instant.ofEpochMilli(s.asOfMs()).toString());
        o.put("asOfMs", s.asOfMs());
        EwtFigures f = s.figures();
        o.put("estimatedWaitMs", f.estimatedWaitMs());
        o.put("meanWaitMs", f.meanWaitMs());
        o.put("p50WaitMs", f.p50WaitMs());
        o.put("p90WaitMs", f.p90WaitMs());
        o.put("sampleSize", f.sampleSize());
        ArrayNode samples = o.putArray("samples");
        for (WaitSample w : s.samples()) {
            ObjectNode n = samples.addObject();
            n.put("at", Instant.ofEpochMilli(w.atMs()).toString());
            n.put("atMs", w.atMs());
            n.put("waitMs", w.waitMs());
        }
        return o.toString();
    }

    public static EwtSnapshot decode(String json) {
        try {
            JsonNode o = MAPPER.readTree(json);
            List<WaitSample> samples = new ArrayList<>();
            for (JsonNode n : o.path("samples")) {
                samples.add(new WaitSample(n.get("atMs").asLong(), n.get("waitMs").asLong()));
            }
            EwtFigures f = new EwtFigures(
                    longOrNull(o, "estimatedWaitMs"),
                    longOrNull(o, "meanWaitMs"),
                    longOrNull(o, "p50WaitMs"),
                    longOrNull(o, "p90WaitMs"),
                    o.path("sampleSize").asInt());
            return new EwtSnapshot(o.get("queueId").asText(), o.get("asOfMs").asLong(), f, samples);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Long longOrNull(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asLong();
    }
}
