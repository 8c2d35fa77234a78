package io.chatkpi.ingest.ewt;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
        return new String(encodeToBytes(s), StandardCharsets.UTF_8);
    }

    /**
     * The UTF-8 JSON, written field by field (no tree built first): the live EWT operator encodes one for every
     * change of a queue's estimate.
     */
    public static byte[] encodeToBytes(EwtSnapshot s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 64 * s.samples().size());
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("queueId", s.queueId());
            g.writeStringField("asOf", Instant.ofEpochMilli(s.asOfMs()).toString());
            g.writeNumberField("asOfMs", s.asOfMs());
            EwtFigures f = s.figures();
            writeNullable(g, "estimatedWaitMs", f.estimatedWaitMs());
            writeNullable(g, "meanWaitMs", f.meanWaitMs());
            writeNullable(g, "p50WaitMs", f.p50WaitMs());
            writeNullable(g, "p90WaitMs", f.p90WaitMs());
            g.writeNumberField("sampleSize", f.sampleSize());
            g.writeArrayFieldStart("samples");
            for (WaitSample w : s.samples()) {
                g.writeStartObject();
                g.writeStringField("at", Instant.ofEpochMilli(w.atMs()).toString());
                g.writeNumberField("atMs", w.atMs());
                g.writeNumberField("waitMs", w.waitMs());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeNullable(JsonGenerator g, String field, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
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
