package io.chatkpi.jobs.replay;

import io.chatkpi.ingest.event.Decoded;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.jobs.landing.LandedEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and validates each line of a replayed file: valid events go on as landed events (offset = line number),
 * everything else to {@link #REJECTED} with its line number and reason. Never throws for an input.
 */
public final class LineParser extends ProcessFunction<NumberedLine, LandedEvent> {

    public static final OutputTag<LineRejection> REJECTED = new OutputTag<>("rejected-lines") {};

    @Override
    public void processElement(NumberedLine line, Context ctx, Collector<LandedEvent> out) {
        Decoded decoded = EventCodec.decode(line.text());
        if (decoded.isValid()) {
            out.collect(new LandedEvent(decoded.event(), 0, line.line(), ctx.timerService().currentProcessingTime()));
        } else {
            ctx.output(REJECTED, new LineRejection(line.line(), decoded.rejected().reason(), line.text()));
        }
    }
}
