package io.chatkpi.api.kpi;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A zone's UTC offsets over a range, as the values kpi_series.sql / kpi_breakdown.sql cut local buckets with:
 * {@code transitions[i]} (epoch s, the first is 0) from which {@code offsets[i]} (s) holds, and
 * {@code localTransitions[i] = transitions[i] + offsets[i-1]} (the change in local time, for local midnights).
 * Java's tz rules decide, so SQL and the API's empty-bucket filling agree by construction.
 */
public record ZoneOffsets(List<Long> transitions, List<Long> offsets, List<Long> localTransitions) {

    /** Covers [from − 2 days, to + 2 days]: local midnights of the range's edges included. */
    public static ZoneOffsets of(ZoneId zone, Instant from, Instant to) {
        ZoneRules rules = zone.getRules();
        Instant start = from.minusSeconds(2 * 86_400);
        Instant end = to.plusSeconds(2 * 86_400);
        List<Long> transitions = new ArrayList<>(List.of(0L));
        List<Long> offsets = new ArrayList<>(List.of((long) rules.getOffset(start).getTotalSeconds()));
        List<Long> local = new ArrayList<>(List.of(0L));
        for (ZoneOffsetTransition t = rules.nextTransition(start); t != null && t.getInstant().isBefore(end);
             t = rules.nextTransition(t.getInstant())) {
            long at = t.getInstant().getEpochSecond();
            local.add(at + offsets.get(offsets.size() - 1));
            transitions.add(at);
            offsets.add((long) t.getOffsetAfter().getTotalSeconds());
        }
        return new ZoneOffsets(transitions, offsets, local);
    }

    /**
     * True when every offset and every offset change falls on a multiple of {@code seconds} (UTC epoch): local
     * boundaries of that size are then UTC boundaries of it too, whatever the offset in force.
     */
    public boolean onSlotMarks(long seconds) {
        return offsets.stream().allMatch(o -> o % seconds == 0) && transitions.stream().allMatch(t -> t % seconds == 0);
    }

    /** The bucket placeholders: bucketSeconds (0 = whole range), offsets, transitions, localTransitions. */
    public Map<String, Object> sqlValues(long bucketSeconds) {
        Map<String, Object> v = new HashMap<>();
        v.put("bucketSeconds", bucketSeconds);
        v.put("offsets", offsets);
        v.put("transitions", transitions);
        v.put("localTransitions", localTransitions);
        return v;
    }
}
