package io.chatkpi.jobs.landing;

import io.chatkpi.ingest.event.Decoded;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.SessionEvent;

/**
 * One record of {@code session-events} after its single parse: the valid event, or the rejection with the bytes as
 * they came. A job that lands the events and computes the KPIs from one read of the topic parses each record once,
 * in its source, into this (see {@code LandingAndKpisJob}).
 *
 * @param topic     the Kafka topic
 * @param partition the partition
 * @param offset    the offset within the partition
 * @param event     the valid event; null when rejected
 * @param value     the record value as sent, kept only when rejected (null for a valid event, which is stored as its
 *                  fields, and for a record without a value)
 * @param rejection why the record was rejected; null for a valid event
 */
public record ParsedRecord(String topic, int partition, long offset, SessionEvent event, byte[] value,
                           String rejection) {

    /** Parses {@code raw}; never throws for its content (one bad record must not fail the job that reads it). */
    public static ParsedRecord parse(RawRecord raw) {
        Decoded decoded;
        try {
            decoded = EventCodec.decode(raw.value());
        } catch (RuntimeException e) {
            // the codec promises not to throw for bad input; if it ever does, the record is still kept
            return rejected(raw, "internal: could not decode: " + e);
        }
        return decoded.isValid()
                ? new ParsedRecord(raw.topic(), raw.partition(), raw.offset(), decoded.event(), null, null)
                : rejected(raw, decoded.rejected().reason());
    }

    private static ParsedRecord rejected(RawRecord raw, String reason) {
        return new ParsedRecord(raw.topic(), raw.partition(), raw.offset(), null, raw.value(), reason);
    }

    public boolean isValid() {
        return event != null;
    }

    /** The event as the landing stores it. */
    public LandedEvent landed(long ingestedAtMs) {
        return new LandedEvent(event, partition, offset, ingestedAtMs);
    }

    /** The rejection as the landing keeps it ({@code rejected_events}, the dead-letter topic). */
    public RejectedRecord rejected(long ingestedAtMs) {
        RawRecord position = new RawRecord(topic, partition, offset, value);
        return new RejectedRecord(position.sourcePosition(), value, rejection, position.source(), ingestedAtMs);
    }
}
