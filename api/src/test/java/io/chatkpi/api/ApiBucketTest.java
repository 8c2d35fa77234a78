package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.api.kpi.Granularity;
import io.chatkpi.api.kpi.ZoneOffsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bucket arithmetic of kpi_series.sql, replayed in Java on the values the API passes, agrees with the buckets
 * the API lists and fills (Granularity) in zones with DST, half-hour offsets and half-hour DST (Lord Howe).
 */
class ApiBucketTest {

    /** kpi_series.sql's multiIf, step by step (arrays 1-based there, 0-based here). */
    static long sqlBucket(long ts, ZoneOffsets z, long bucketSeconds) {
        if (bucketSeconds <= 0) return 0;
        long off = z.offsets().get(count(z.transitions(), ts) - 1);
        if (bucketSeconds < 86_400) return Math.floorDiv(ts + off, bucketSeconds) * bucketSeconds - off;
        long localMidnight = Math.floorDiv(ts + off, 86_400) * 86_400;
        return localMidnight - z.offsets().get(count(z.localTransitions(), localMidnight) - 1);
    }

    static int count(List<Long> values, long limit) {
        return (int) values.stream().filter(x -> x <= limit).count();
    }

    @Test
    void sqlArithmeticAgreesWithTheApisBuckets() {
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant to = Instant.parse("2027-01-01T00:00:00Z");
        Random rnd = new Random(3);
        for (String zoneId : List.of("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu",
                "Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Chatham")) {
            ZoneId zone = ZoneId.of(zoneId);
            ZoneOffsets z = ZoneOffsets.of(zone, from, to);
            java.util.Set<Instant> hours = new java.util.HashSet<>(
                    Granularity.HOUR.buckets(from, to, zone, 10_000).orElseThrow());
            java.util.Set<Instant> days = new java.util.HashSet<>(
                    Granularity.DAY.buckets(from, to, zone, 10_000).orElseThrow());
            for (int i = 0; i < 3_000; i++) {
                Instant t = from.plusSeconds((long) (rnd.nextDouble() * (to.getEpochSecond() - from.getEpochSecond())));
                assertThat(hours).contains(Granularity.HOUR.bucketStart(t, zone));
                assertThat(days).contains(Granularity.DAY.bucketStart(t, zone));
                for (Granularity g : Granularity.values()) {
                    assertThat(Instant.ofEpochSecond(sqlBucket(t.getEpochSecond(), z, g.seconds())))
                            .as("%s %s %s", zoneId, g, t).isEqualTo(g.bucketStart(t, zone));
                }
            }
        }
    }

    @Test
    void parisDstDay() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        Instant from = Instant.parse("2026-10-24T22:00:00Z");
        Instant to = Instant.parse("2026-10-25T23:00:00Z");
        assertThat(Granularity.DAY.buckets(from, to, paris, 10).orElseThrow()).containsExactly(from);
        assertThat(Granularity.HOUR.buckets(from, to, paris, 100).orElseThrow()).hasSize(25);
        assertThat(Granularity.MINUTE.buckets(from, to, paris, 100)).isEmpty();
    }
}
