package io.chatkpi.jobs.combined;

import io.chatkpi.jobs.landing.ParsedRecord;
import io.chatkpi.jobs.landing.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses each {@code session-events} record once, inside the Kafka source, for both the landing and the KPIs:
 * in the source, so that the watermarks run per partition on the events' own time
 * ({@link io.chatkpi.jobs.kpi.KpiWatermarks#forParsedRecords}); a bad record becomes a rejection, never a failed
 * source.
 */
public final class ParsedRecordDeserializer implements KafkaRecordDeserializationSchema<ParsedRecord> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        out.collect(ParsedRecord.parse(
                new RawRecord(record.topic(), record.partition(), record.offset(), record.value())));
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
