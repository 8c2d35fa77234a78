package io.chatkpi.jobs.common;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

/** The Kafka source of {@code session-events} every job reads it with; only what a record becomes differs. */
public final class SessionEventsSource {

    private SessionEventsSource() {}

    public static <T> KafkaSource<T> of(String bootstrapServers, String topic, String groupId,
            OffsetsInitializer startingOffsets, KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(startingOffsets)
                .setDeserializer(deserializer)
                // offsets are committed on checkpoints: they show consumer lag, the job itself restores from state
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }
}
