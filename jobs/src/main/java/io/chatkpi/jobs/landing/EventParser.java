package io.chatkpi.jobs.landing;

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
        ParsedRecord parsed = ParsedRecord.parse(record);
        if (parsed.isValid()) {
            out.collect(parsed.landed(now));
        } else {
            ctx.output(REJECTED, parsed.rejected(now));
        }
    }
}
