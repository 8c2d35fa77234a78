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
}
