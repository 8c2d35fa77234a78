package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.ewt.EwtFeed;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.EwtSnapshotJson;
import io.chatkpi.ingest.ewt.WaitSample;
import io.chatkpi.ingest.kafka.Topics;
import io.chatkpi.ingest.stack.KafkaBroker;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import io.chatkpi.testing.KafkaExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole server as ./chatkpi api starts it, on the real broker and ClickHouse. */
@ExtendWith({ClickHouseExtension.class, KafkaExtension.class})
class ApiMainTest {

    static KafkaProducer<String, String> producer(KafkaBroker broker) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    static EwtSnapshot snapshot(String queue, Instant at, long waitMs) {
        return new EwtSnapshot(queue, at.toEpochMilli(), new EwtFigures(waitMs, waitMs, waitMs, waitMs, 1),
                List.of(new WaitSample(at.toEpochMilli(), waitMs)));
    }

    /** Waits for a condition the system reaches asynchronously; a deadline, not a timed assertion. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("never happened: " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void servesEwtFromTheTopicAndIsReadyWithClickHouseAndKafka(ClickHouseTestDatabase db, KafkaBroker broker)
            throws Exception {
        broker.createTopic(Topics.QUEUE_EWT, 2, true);
        Instant now = Instant.now();
        try (var p = producer(broker)) {
            // compacted topic: the latest record per queue is what counts
            p.send(new ProducerRecord<>(Topics.QUEUE_EWT, "main-billing",
                    EwtSnapshotJson.encode(snapshot("main-billing", now.minusSeconds(30), 10_000)))).get();
            p.send(new ProducerRecord<>(Topics.QUEUE_EWT, "main-billing",
                    EwtSnapshotJson.encode(snapshot("main-billing", now.minusSeconds(20), 61_500)))).get();
            p.send(new ProducerRecord<>(Topics.QUEUE_EWT, "main-tech", "not json")).get();
        }
        ApiConfig config = ApiConfig.defaults(TestServers.KEYS).withPort(0)
                .withClickHouse(db.url(), db.database(), "default", "")
                .withKafkaBootstrap(broker.bootstrapServers());
        try (ApiMain.Running running = ApiMain.start(config, Clock.systemUTC())) {
            HttpCalls http = new HttpCalls(running.app().port());
            await("ready", () -> http.get("/ready", null).status() == 200);
            JsonNode ready = http.get("/ready", null).json();
            assertThat(ready.get("checks").get("clickhouse").asText()).isEqualTo("up");
            assertThat(ready.get("checks").get("ewtFeed").asText()).isEqualTo("current");

            JsonNode ewt = http.get("/api/v1/queues/main-billing/ewt", TestServers.CHAT_KEY).json();
            assertThat(ewt.get("estimatedWaitMs").asLong()).isEqualTo(61_500);
            assertThat(ewt.get("estimatedWaitSeconds").asLong()).isEqualTo(62);
            // the undecodable record was skipped, not fatal
            assertThat(http.get("/api/v1/queues/main-tech/ewt", TestServers.CHAT_KEY).json().get("sampleSize")
                    .asInt()).isZero();

            // a new snapshot on the topic reaches the endpoint
            try (var p = producer(broker)) {
                p.send(new ProducerRecord<>(Topics.QUEUE_EWT, "main-sales",
                        EwtSnapshotJson.encode(snapshot("main-sales", now.minusSeconds(5), 3_000)))).get();
            }
            await("main-sales served", () -> http.get("/api/v1/queues/main-sales/ewt", TestServers.CHAT_KEY)
                    .json().get("sampleSize").asInt() == 1);
            await("lag 0", () -> running.feed().lagRecords() != null && running.feed().lagRecords() == 0);
            String metrics = http.get("/metrics", null).body();
            assertThat(metrics).contains("chatkpi_ewt_feed_lag_records 0").contains("chatkpi_ewt_feed_current 1");

            // the KPI endpoints answer from the test database (empty here)
            var kpis = http.get("/api/v1/kpis?from=2026-01-01&to=2026-01-02&granularity=1d", TestServers.MANAGER_KEY);
            assertThat(kpis.status()).as(kpis.body()).isEqualTo(200);
        }
    }

    @Test
    void aFeedStartedLaterRebuildsFromTheBeginningAndHonoursTombstones(KafkaBroker broker) throws Exception {
        String topic = "queue-ewt-rebuild-test";
        broker.createTopic(topic, 1, true);
        Instant now = Instant.now();
        try (var p = producer(broker)) {
            p.send(new ProducerRecord<>(topic, "a", EwtSnapshotJson.encode(snapshot("a", now, 1_000)))).get();
            p.send(new ProducerRecord<>(topic, "b", EwtSnapshotJson.encode(snapshot("b", now, 2_000)))).get();
            p.send(new ProducerRecord<>(topic, "a", null)).get();
        }
        LiveEwtStore store = new LiveEwtStore(Clock.systemUTC(), EwtCalculator.defaults());
        try (EwtFeed feed = new EwtFeed(broker.bootstrapServers(), topic, store, Clock.systemUTC(),
                Duration.ofSeconds(30)).start()) {
            await("caught up", feed::current);
            assertThat(store.all()).extracting(e -> e.queueId()).containsExactly("b");
            assertThat(store.get("b").figures().estimatedWaitMs()).isEqualTo(2_000);
            assertThat(feed.lagRecords()).isZero();
        }
    }
}
