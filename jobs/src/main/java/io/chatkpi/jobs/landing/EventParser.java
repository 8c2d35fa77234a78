package io.chatkpi.jobs.landing;

import io.chatkpi.ingest.event.Decoded;
import io.chatkpi.ingest.event.EventCodec;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and validates each raw record against the event contract: valid events go to the main output, everything
 * else to {@link #REJECTED} with its raw bytes and the reason. It never throws for an input: one bad record must
 * not fail (and endlessly restart) the job.
 */
public final class EventParser extends ProcessFunction<RawRecord, LandedEvent> {

    public static final OutputTag<RejectedRecord> REJECTED = new OutputTag<>("rejected-events") {};

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<LandedEvent> out) {
        long now = ctx.timerService().currentProcessingTime();
        Decoded decoded;
        try {
            decoded = EventCodec.decode(record.value());
        } catch (RuntimeException e) {
            // the codec promises not to throw for bad input; if it ever does, the record is still kept
            ctx.output(REJECTED, reject(record, "internal: could not decode: " + e, now));
            return;
        }
        if (decoded.isValid()) {
            out.collect(new LandedEvent(decoded.event(), record.partition(), record.offset(), now));
        } else {
            ctx.output(REJECTED, reject(record, decoded.rejected().reason(), now));
        }
    }

    private static RejectedRecord reject(RawRecord record, String reason, long now) {
        return new RejectedRecord(record.sourcePosition(), record.value(), reason, record.source(), now);
    }
}
