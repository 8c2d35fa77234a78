package io.chatkpi.jobs.landing;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A rejected record on the dead-letter topic: the value byte for byte as it arrived, the reason and the source
 * position in headers (so a consumer can fix and re-send the value without unwrapping anything), keyed by the
 * source position.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<RejectedRecord> {

    public static final String REASON_HEADER = "chatkpi-reject-reason";
    public static final String REJECT_ID_HEADER = "chatkpi-reject-id";

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(RejectedRecord r, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(REASON_HEADER, r.reason().getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(REJECT_ID_HEADER, r.rejectId().getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, timestamp, r.rejectId().getBytes(StandardCharsets.UTF_8), r.raw(),
                headers);
    }
}
