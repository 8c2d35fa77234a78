package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.event.Decoded;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.SessionEvent;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes {@code session-events} records inside the Kafka source, so that the watermark strategy runs per
 * partition on the events' own time (a partition read ahead of another must not make the other's events late).
 * Invalid records are skipped here and counted: the landing job keeps them in {@code rejected_events} and the
 * dead-letter topic, and they never reach the KPI operators.
 */
public final class SessionEventDeserializer implements KafkaRecordDeserializationSchema<SessionEvent> {

    public static final String REJECTED_METRIC = "rejectedEventsSkipped";

    private transient Counter rejected;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        rejected = context.getMetricGroup().counter(REJECTED_METRIC);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SessionEvent> out) {
        Decoded decoded = EventCodec.decode(record.value());
        if (decoded.isValid()) {
            out.collect(decoded.event());
        } else if (rejected != null) {
            rejected.inc();
        }
    }

    @Override
    public TypeInformation<SessionEvent> getProducedType() {
        return TypeInformation.of(SessionEvent.class);
    }
}
