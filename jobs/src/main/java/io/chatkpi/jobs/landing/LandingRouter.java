package io.chatkpi.jobs.landing;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The landing's split of records parsed in the source ({@link ParsedRecord}): valid events to the main output,
 * rejections to {@link EventParser#REJECTED}, as {@link EventParser} splits the records it parses itself.
 */
public final class LandingRouter extends ProcessFunction<ParsedRecord, LandedEvent> {

    @Override
    public void processElement(ParsedRecord record, Context ctx, Collector<LandedEvent> out) {
        long now = ctx.timerService().currentProcessingTime();
        if (record.isValid()) {
            out.collect(record.landed(now));
        } else {
            ctx.output(EventParser.REJECTED, record.rejected(now));
        }
    }
}
