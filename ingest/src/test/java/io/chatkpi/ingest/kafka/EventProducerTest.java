package io.chatkpi.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Round trip through the real in-JVM broker: events keyed by sessionId, raw lines byte for byte. */
@ExtendWith(KafkaExtension.class)
class EventProducerTest {

    @Test
    void sendsEventsAndRawLinesKeyedBySessionId(KafkaBroker broker) {
        String topic = "producer-test-" + System.nanoTime();
        SessionEvent started = SessionEvent.of("e1", "s-42", EventType.SESSION_STARTED, 1_795_600_800_000L);
        String validRaw = "{\"eventId\":\"e2\",\"sessionId\":\"s-42\",\"type\":\"QUEUED\",\"ts\":\"2026-11-25T10:00:01+00:00\",\"queueId\":\"q\",\"extra\":1}";
        String invalidWithSession = "{\"eventId\":\"e3\",\"sessionId\":\"s-43\",\"type\":\"NOPE\"}";
        String notJson = "garbage line";

        Properties config = EventProducer.config(broker.bootstrapServers());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        try (EventProducer producer = new EventProducer(config, topic)) {
            assertThat(producer.connect()).isPositive();
            producer.send(started);
            producer.sendRaw(validRaw);
            producer.sendRaw(invalidWithSession);
            producer.sendRaw(notJson);
            producer.flush();
            assertThat(producer.submitted()).isEqualTo(4);
            assertThat(producer.acknowledged()).isEqualTo(4);
            assertThat(producer.failed()).isZero();
        }

        List<ConsumerRecord<byte[], byte[]>> records = consume(broker.bootstrapServers(), topic, 4);
        assertThat(records).extracting(r -> r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("s-42", "s-42", "s-43", null);
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly(EventCodec.encode(started), validRaw, invalidWithSession, notJson);
    }

    @Test
    void sessionIdIsReadFromBrokenLinesWhenPossible() {
        assertThat(EventProducer.sessionIdOf("{\"type\":\"X\",\"sessionId\":\"s1\",\"ts\":5")).isEqualTo("s1");
        assertThat(EventProducer.sessionIdOf("{\"nested\":{\"sessionId\":\"no\"},\"sessionId\":\"yes\"}")).isEqualTo("yes");
        assertThat(EventProducer.sessionIdOf("{\"sessionId\":7}")).isNull();
        assertThat(EventProducer.sessionIdOf("{\"sessionId\":\"\"}")).isNull();
        assertThat(EventProducer.sessionIdOf("[{\"sessionId\":\"s1\"}]")).isNull();
        assertThat(EventProducer.sessionIdOf("{\"eventId\":\"e\",")).isNull();
        assertThat(EventProducer.sessionIdOf("")).isNull();
        assertThat(EventProducer.sessionIdOf(null)).isNull();
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(String bootstrap, String topic, int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "producer-test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 60_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
