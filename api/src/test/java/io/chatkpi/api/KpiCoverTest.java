package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.api.kpi.Granularity;
import io.chatkpi.api.kpi.KpiSource.Cover;
import io.chatkpi.api.kpi.ZoneOffsets;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Which kpi_rollup / kpi_rollup_coarse rows read which part of a range (the figures: ApiReplayedDayTest). */
class KpiCoverTest {

    private static final Instant FROM = Instant.parse("2026-11-01T22:45:00Z");
    private static final Instant TO = Instant.parse("2026-11-04T01:15:00Z");

    private static long span(Granularity g, String zone) {
        ZoneOffsets z = ZoneOffsets.of(ZoneId.of(zone), FROM, TO);
        return Cover.coarsestSpan(g == null ? 0 : g.seconds(), z.offsets(), z.transitions());
    }

    @Test
    void theCoarsestRowsThatLieInOneBucket() {
        assertThat(span(null, "Asia/Kathmandu")).isEqualTo(Cover.DAY);
        assertThat(span(Granularity.DAY, "UTC")).isEqualTo(Cover.DAY);
        assertThat(span(Granularity.DAY, "Europe/Paris")).isEqualTo(Cover.HOUR);
        assertThat(span(Granularity.HOUR, "UTC")).isEqualTo(Cover.HOUR);
        assertThat(span(Granularity.HOUR, "America/New_York")).isEqualTo(Cover.HOUR);
        // +05:45: local hours are not UTC hours
        assertThat(span(Granularity.HOUR, "Asia/Kathmandu")).isEqualTo(900);
        assertThat(span(Granularity.DAY, "Asia/Kolkata")).isEqualTo(900);
        assertThat(span(Granularity.FIFTEEN_MINUTES, "UTC")).isEqualTo(900);
    }

    @Test
    void slotsThenHoursThenDaysThenHoursThenSlots() {
        assertThat(Cover.of(FROM, TO, Cover.DAY)).isEqualTo(new Cover(FROM, Instant.parse("2026-11-01T23:00:00Z"),
                Instant.parse("2026-11-02T00:00:00Z"), Instant.parse("2026-11-04T00:00:00Z"),
                Instant.parse("2026-11-04T01:00:00Z"), TO));
        // no whole day: hours and slots only (the days' piece empty, at the hours' end)
        Instant noon = Instant.parse("2026-11-02T12:00:00Z");
        assertThat(Cover.of(FROM, noon, Cover.DAY)).isEqualTo(new Cover(FROM, Instant.parse("2026-11-01T23:00:00Z"),
                noon, noon, noon, noon));
        assertThat(Cover.of(FROM, TO, Cover.HOUR)).isEqualTo(new Cover(FROM, Instant.parse("2026-11-01T23:00:00Z"),
                Instant.parse("2026-11-04T01:00:00Z"), Instant.parse("2026-11-04T01:00:00Z"),
                Instant.parse("2026-11-04T01:00:00Z"), TO));
        // no whole hour, or slots asked for: every piece but the slots' empty
        Instant end = Instant.parse("2026-11-01T23:45:00Z");
        assertThat(Cover.of(FROM, end, Cover.DAY)).isEqualTo(new Cover(FROM, end, end, end, end, end));
        assertThat(Cover.of(FROM, TO, 900)).isEqualTo(new Cover(FROM, TO, TO, TO, TO, TO));
        // whole days exactly
        Instant a = Instant.parse("2026-11-01T00:00:00Z");
        Instant b = Instant.parse("2026-12-01T00:00:00Z");
        assertThat(Cover.of(a, b, Cover.DAY)).isEqualTo(new Cover(a, a, a, b, b, b));
    }

    @Test
    void boundsOffTheMarksLeaveTheirPartialSlotsToTheRawFacts() {
        Instant from = Instant.parse("2026-11-01T22:52:17Z");
        Instant to = Instant.parse("2026-11-04T01:03:00Z");
        assertThat(Cover.of(from, to, Cover.DAY)).isEqualTo(new Cover(Instant.parse("2026-11-01T23:00:00Z"),
                Instant.parse("2026-11-01T23:00:00Z"), Instant.parse("2026-11-02T00:00:00Z"),
                Instant.parse("2026-11-04T00:00:00Z"), Instant.parse("2026-11-04T01:00:00Z"),
                Instant.parse("2026-11-04T01:00:00Z")));
        // across one mark: no whole slot, the facts on either side of it
        Instant mark = Instant.parse("2026-11-02T10:15:00Z");
        assertThat(Cover.of(mark.minusSeconds(400), mark.plusSeconds(300), Cover.DAY))
                .isEqualTo(new Cover(mark, mark, mark, mark, mark, mark));
        // inside one slot: the facts of the whole range, [from, to) and [to, to)
        Instant a = mark.plusSeconds(60);
        Instant b = mark.plusSeconds(600);
        assertThat(Cover.of(a, b, Cover.DAY)).isEqualTo(new Cover(b, b, b, b, b, b));
    }
}
