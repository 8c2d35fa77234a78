package io.chatkpi.jobs.landing;

import java.nio.charset.StandardCharsets;

/**
 * One record as it came off {@code session-events}, before any parsing: its bytes and where it was read from,
 * so that a rejection can name its source position and a redelivery of the same position replaces it.
 *
 * @param topic     the Kafka topic
 * @param partition the partition
 * @param offset    the offset within the partition
 * @param value     the record value as sent (UTF-8 JSON when valid); null for a record without a value
 */
public record RawRecord(String topic, int partition, long offset, byte[] value) {

    /** A record with a UTF-8 text value, as tests and file replays build them. */
    public static RawRecord of(String topic, int partition, long offset, String text) {
        return new RawRecord(topic, partition, offset, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
    }

    /** Where the record came from, e.g. {@code kafka:session-events}. */
    public String source() {
        return "kafka:" + topic;
    }

    /** The stable id of this source position, e.g. {@code kafka:session-events:0:1234}. */
    public String sourcePosition() {
        return source() + ":" + partition + ":" + offset;
    }
}
