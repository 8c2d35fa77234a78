package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.testing.KafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaBrokerTest {

    @Test
    void producesAndConsumesRecordsOnARealBroker(KafkaBroker broker) throws Exception {
        String topic = "round-trip-" + UUID.randomUUID();
        broker.createTopic(topic, 3, false);
        broker.createTopic(topic, 3, false); // exists already: no error

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 500; i++) {
                producer.send(new ProducerRecord<>(topic, "session-" + (i % 17), "event-" + i));
            }
            producer.flush();
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
            new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < 500 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        assertThat(received).hasSize(500);
        assertThat(received).extracting(ConsumerRecord::value).doesNotHaveDuplicates();
        assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
        // one key, one partition: per-session order holds
        for (ConsumerRecord<String, String> r : received) {
            assertThat(received.stream().filter(o -> o.key().equals(r.key())).map(ConsumerRecord::partition))
                .containsOnly(r.partition());
        }
    }

    @Test
    void aRestartedBrokerKeepsItsTopicsAndRecords(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
        throws Exception {
        String topic = "kept-" + UUID.randomUUID();
        try (KafkaBroker first = KafkaBroker.start(dir)) {
            first.createTopic(topic, 1, false);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "k", "before restart")).get();
            }
        }
        // new ports, same log dir: the local stack's var/kafka across demo runs
        try (KafkaBroker second = KafkaBroker.start(dir); Admin admin = second.admin()) {
            assertThat(admin.listTopics().names().get()).contains(topic);
            var partition = new org.apache.kafka.common.TopicPartition(topic, 0);
            assertThat(admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                .all().get().get(partition).offset()).isEqualTo(1);
        }
    }

    @Test
    void createsCompactedTopics(KafkaBroker broker) throws Exception {
        String topic = "compacted-" + UUID.randomUUID();
        broker.createTopic(topic, 1, true);
        try (Admin admin = broker.admin()) {
            assertThat(admin.listTopics().names().get()).contains(topic);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0)
                .replicas()).hasSize(1);
        }
        assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
    }
}
