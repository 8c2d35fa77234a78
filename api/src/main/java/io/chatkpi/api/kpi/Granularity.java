package io.chatkpi.api.kpi;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Time-series bucket sizes. Java cuts the same buckets as the SQL (kpi_series.sql, with the zone's offsets from {@link ZoneOffsets}) so that empty buckets can be
 * filled: minutes in UTC, hours and days in the zone (a Paris day on 2026-10-25 is 25 hours long, and the
 * repeated 02:00 hour is two buckets).
 */
public enum Granularity {
    MINUTE("1m", Duration.ofMinutes(1)),
    FIVE_MINUTES("5m", Duration.ofMinutes(5)),
    FIFTEEN_MINUTES("15m", Duration.ofMinutes(15)),
    HOUR("1h", Duration.ofHours(1)),
    DAY("1d", Duration.ofDays(1));

    private final String id;
    private final Duration nominal;

    Granularity(String id, Duration nominal) {
        this.id = id;
        this.nominal = nominal;
    }

    /** Bucket length as kpi_series.sql takes it (86400 = a local day, whatever its length). */
    public long seconds() {
        return nominal.getSeconds();
    }

    /** As in the query string. */
    public String id() {
        return id;
    }

    public static Optional<Granularity> fromId(String id) {
        return Arrays.stream(values()).filter(g -> g.id.equals(id)).findFirst();
    }

    /** The start of the bucket holding {@code t}. */
    public Instant bucketStart(Instant t, ZoneId zone) {
        return switch (this) {
            case MINUTE, FIVE_MINUTES, FIFTEEN_MINUTES -> {
                long size = nominal.getSeconds();
                yield Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), size) * size);
            }
            case HOUR -> {
                ZonedDateTime z = t.atZone(zone);
                // the local hour's start; at a DST overlap ZonedDateTime keeps the offset in force at t
                yield z.truncatedTo(ChronoUnit.HOURS).toInstant();
            }
            case DAY -> t.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        };
    }

    /** The start of the bucket after the one starting at {@code start}. */
    public Instant next(Instant start, ZoneId zone) {
        return switch (this) {
            case MINUTE, FIVE_MINUTES, FIFTEEN_MINUTES, HOUR -> start.plus(nominal);
            case DAY -> start.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
        };
    }

    /** The starts of the buckets covering [from, to), or empty when more than {@code max}. */
    public Optional<List<Instant>> buckets(Instant from, Instant to, ZoneId zone, int max) {
        List<Instant> out = new ArrayList<>();
        for (Instant b = bucketStart(from, zone); b.isBefore(to); b = next(b, zone)) {
            if (out.size() == max) return Optional.empty();
            out.add(b);
        }
        return Optional.of(out);
    }
}
