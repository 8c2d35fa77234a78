package io.chatkpi.jobs.landing;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Input that broke the event contract, as it goes to {@code rejected_events} and the dead-letter topic.
 *
 * @param rejectId     the source position ({@code kafka:<topic>:<partition>:<offset>}): a redelivery of the same
 *                     record replaces rather than duplicates
 * @param raw          the value exactly as it arrived (empty for a record without a value), so nothing is lost
 * @param reason       why it was rejected, naming the field
 * @param source       where it came from, e.g. {@code kafka:session-events}
 * @param ingestedAtMs when the landing job rejected it (processing time, epoch ms)
 */
public record RejectedRecord(String rejectId, byte[] raw, String reason, String source, long ingestedAtMs) {

    public RejectedRecord {
        Objects.requireNonNull(rejectId, "rejectId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        raw = raw == null ? new byte[0] : raw;
    }

    /** The raw value as text (invalid UTF-8 sequences become U+FFFD; the dead-letter topic keeps the bytes). */
    public String rawText() {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
