package io.chatkpi.api.kpi;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Time-series bucket sizes, cut in local time exactly as kpi_series.sql cuts them from {@link ZoneOffsets}, so the
 * API can list every bucket (and fill the empty ones) with the same starts ClickHouse groups by:
 * <ul>
 * <li>shorter than a day: {@code floor((t + offset(t)) / size) * size − offset(t)} — a local hour keeps its offset,
 * so the hour repeated when DST ends is two buckets;</li>
 * <li>a day: the local midnight of t, converted with the offset in force at that midnight (the earlier offset when
 * midnight is ambiguous, the later one when it does not exist) — a Paris day on 2026-10-25 lasts 25 hours.</li>
 * </ul>
 */
public enum Granularity {
    MINUTE("1m", 60),
    FIVE_MINUTES("5m", 300),
    FIFTEEN_MINUTES("15m", 900),
    HOUR("1h", 3_600),
    DAY("1d", 86_400);

    private final String id;
    private final long seconds;

    Granularity(String id, long seconds) {
        this.id = id;
        this.seconds = seconds;
    }

    /** As in the query string. */
    public String id() {
        return id;
    }

    /** Bucket length as kpi_series.sql takes it (86400 = a local day, whatever its length). */
    public long seconds() {
        return seconds;
    }

    public static Optional<Granularity> fromId(String id) {
        return Arrays.stream(values()).filter(g -> g.id.equals(id)).findFirst();
    }

    /** The start of the bucket holding {@code t}. */
    public Instant bucketStart(Instant t, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        long ts = t.getEpochSecond();
        long off = rules.getOffset(t).getTotalSeconds();
        if (this != DAY) return Instant.ofEpochSecond(Math.floorDiv(ts + off, seconds) * seconds - off);
        long localMidnight = Math.floorDiv(ts + off, 86_400) * 86_400;
        LocalDateTime midnight = LocalDateTime.ofEpochSecond(localMidnight, 0, ZoneOffset.UTC);
        ZoneOffsetTransition change = rules.getTransition(midnight);
        long midnightOffset = change == null ? rules.getOffset(midnight).getTotalSeconds()
                : change.isGap() ? change.getOffsetAfter().getTotalSeconds()
                : change.getOffsetBefore().getTotalSeconds();
        return Instant.ofEpochSecond(localMidnight - midnightOffset);
    }

    /**
     * The starts of the buckets holding the instants of [from, to), in order, or empty when more than {@code max}.
     * Walks from boundary to boundary: the next local boundary at the current offset, or the next offset change.
     */
    public Optional<List<Instant>> buckets(Instant from, Instant to, ZoneId zone, int max) {
        ZoneRules rules = zone.getRules();
        Set<Instant> out = new LinkedHashSet<>();
        Instant t = from;
        while (t.isBefore(to)) {
            Instant b = bucketStart(t, zone);
            out.add(b);
            if (out.size() > max) return Optional.empty();
            long ts = t.getEpochSecond();
            long off = rules.getOffset(t).getTotalSeconds();
            long next = (Math.floorDiv(ts + off, seconds) + 1) * seconds - off;
            ZoneOffsetTransition change = rules.nextTransition(t);
            if (change != null && change.getInstant().getEpochSecond() < next) {
                next = change.getInstant().getEpochSecond();
            }
            t = Instant.ofEpochSecond(Math.max(next, ts + 1));
        }
        List<Instant> sorted = new ArrayList<>(out);
        sorted.sort(null);
        return Optional.of(sorted);
    }
}
