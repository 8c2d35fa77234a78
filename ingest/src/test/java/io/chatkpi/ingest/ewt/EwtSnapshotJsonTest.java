package io.chatkpi.ingest.ewt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EwtSnapshotJsonTest {

    @Test
    void roundTripsFiguresSamplesAndNulls() {
        EwtSnapshot known = new EwtSnapshot("billing", 1_764_064_800_000L, new EwtFigures(41_000L, 39_000L, 38_000L,
                52_000L, 2), List.of(new WaitSample(1_764_064_800_000L, 44_000), new WaitSample(1_764_064_700_000L, 34_000)));
        String json = EwtSnapshotJson.encode(known);
        assertThat(json).contains("\"asOf\":\"2025-11-25T10:00:00Z\"", "\"samples\":[{\"at\":\"2025-11-25T10:00:00Z\"");
        assertThat(EwtSnapshotJson.decode(json)).isEqualTo(known);

        EwtSnapshot unknown = new EwtSnapshot("billing", 1_764_065_400_000L, EwtFigures.UNKNOWN, List.of());
        String nullJson = EwtSnapshotJson.encode(unknown);
        assertThat(nullJson).contains("\"estimatedWaitMs\":null", "\"sampleSize\":0", "\"samples\":[]");
        assertThat(EwtSnapshotJson.decode(nullJson)).isEqualTo(unknown);
    }

    /** The field-by-field writer gives, to the byte, the JSON a tree of the same fields gives (the earlier encoder). */
    @Test
    void writesWhatATreeOfTheSameFieldsWrites() {
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 2_000; i++) {
            List<WaitSample> samples = new java.util.ArrayList<>();
            for (int k = r.nextInt(11); k > 0; k--) {
                samples.add(new WaitSample(r.nextLong(0, 4_000_000_000_000L), r.nextLong(0, 10_000_000)));
            }
            EwtFigures figures = r.nextInt(4) == 0 ? EwtFigures.UNKNOWN : new EwtFigures(r.nextLong(1_000_000),
                    r.nextBoolean() ? null : r.nextLong(1_000_000), r.nextLong(1_000_000), r.nextLong(1_000_000),
                    samples.size());
            EwtSnapshot s = new EwtSnapshot(r.nextBoolean() ? "billing" : "q\"é☕" + i, r.nextLong(0, 4_000_000_000_000L),
                    figures, samples);
            assertThat(EwtSnapshotJson.encode(s)).isEqualTo(asTree(s));
            assertThat(new String(EwtSnapshotJson.encodeToBytes(s), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(asTree(s));
            assertThat(EwtSnapshotJson.decode(EwtSnapshotJson.encode(s))).isEqualTo(s);
        }
    }

    private static String asTree(EwtSnapshot s) {
        com.fasterxml.jackson.databind.node.ObjectNode o =
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        o.put("queueId", s.queueId());
        o.put("asOf", java.time.Instant.ofEpochMilli(s.asOfMs()).toString());
        o.put("asOfMs", s.asOfMs());
        o.put("estimatedWaitMs", s.figures().estimatedWaitMs());
        o.put("meanWaitMs", s.figures().meanWaitMs());
        o.put("p50WaitMs", s.figures().p50WaitMs());
        o.put("p90WaitMs", s.figures().p90WaitMs());
        o.put("sampleSize", s.figures().sampleSize());
        com.fasterxml.jackson.databind.node.ArrayNode samples = o.putArray("samples");
        for (WaitSample w : s.samples()) {
            com.fasterxml.jackson.databind.node.ObjectNode n = samples.addObject();
            n.put("at", java.time.Instant.ofEpochMilli(w.atMs()).toString());
            n.put("atMs", w.atMs());
            n.put("waitMs", w.waitMs());
        }
        return o.toString();
    }
}
