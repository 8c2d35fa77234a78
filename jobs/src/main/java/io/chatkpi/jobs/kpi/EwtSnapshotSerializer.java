package io.chatkpi.jobs.kpi;

import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.EwtSnapshotJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** EWT snapshots onto the compacted {@code queue-ewt} topic, keyed by queue: the latest per queue survives. */
public final class EwtSnapshotSerializer implements KafkaRecordSerializationSchema<EwtSnapshot> {

    private final String topic;

    public EwtSnapshotSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(EwtSnapshot snapshot, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, null,
                snapshot.queueId().getBytes(StandardCharsets.UTF_8),
                EwtSnapshotJson.encodeToBytes(snapshot));
    }
}
