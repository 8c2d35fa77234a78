package io.chatkpi.api.ewt;

import io.chatkpi.ingest.ewt.EwtSnapshotJson;
import io.chatkpi.ingest.kafka.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted {@code queue-ewt} topic from the beginning into a {@link LiveEwtStore} and then follows it.
 * No consumer group: every API instance needs every queue, and starting from the beginning of a compacted topic
 * rebuilds the latest snapshot per queue. A record that cannot be decoded is logged and skipped.
 */
public final class EwtFeed implements EwtFeedStatus, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EwtFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long CONTACT_CHECK_MS = 2_000;

    private final KafkaConsumer<String, String> consumer;
    private final LiveEwtStore store;
    private final Clock clock;
    private final String topic;
    private final long staleAfterMs;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private volatile Map<TopicPartition, Long> startEndOffsets;
    private volatile boolean caughtUp;
    private volatile Long lagRecords;
    private volatile long lastContactMs = -1;

    public EwtFeed(String bootstrap, LiveEwtStore store, Clock clock, Duration staleAfter) {
        this(bootstrap, Topics.QUEUE_EWT, store, clock, staleAfter);
    }

    public EwtFeed(String bootstrap, String topic, LiveEwtStore store, Clock clock, Duration staleAfter) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chatkpi-api-ewt");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.store = store;
        this.clock = clock;
        this.topic = topic;
        this.staleAfterMs = staleAfter.toMillis();
        this.thread = new Thread(this::run, "ewt-feed");
        this.thread.setDaemon(true);
    }

    public EwtFeed start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            assignWhenTopicExists();
            long lastCheck = 0;
            while (running.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(POLL)) apply(r);
                long now = clock.millis();
                if (now - lastCheck >= CONTACT_CHECK_MS || !caughtUp) {
                    lastCheck = now;
                    checkProgress();
                }
            }
        } catch (WakeupException e) {
            if (running.get()) LOG.error("EWT feed woken unexpectedly", e);
        } catch (RuntimeException e) {
            LOG.error("EWT feed stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void assignWhenTopicExists() {
        while (running.get()) {
            List<PartitionInfo> parts;
            try {
                parts = consumer.partitionsFor(topic, Duration.ofSeconds(2));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                parts = List.of();
            }
            if (parts != null && !parts.isEmpty()) {
                List<TopicPartition> tps = parts.stream().map(pi -> new TopicPartition(topic, pi.partition())).toList();
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                startEndOffsets = new HashMap<>(consumer.endOffsets(tps, Duration.ofSeconds(5)));
                lastContactMs = clock.millis();
                return;
            }
            LOG.info("EWT feed: waiting for topic {}", topic);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void apply(ConsumerRecord<String, String> r) {
        if (r.value() == null) {
            if (r.key() != null) store.remove(r.key());
            return;
        }
        try {
            store.accept(EwtSnapshotJson.decode(r.value()));
        } catch (RuntimeException e) {
            LOG.warn("EWT feed: skipping undecodable record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.toString());
        }
    }

    private void checkProgress() {
        Map<TopicPartition, Long> start = startEndOffsets;
        if (start == null) return;
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(start.keySet(), Duration.ofSeconds(2));
            long lag = 0;
            boolean reachedStart = true;
            for (TopicPartition tp : start.keySet()) {
                long pos = consumer.position(tp, Duration.ofSeconds(2));
                lag += Math.max(0, ends.getOrDefault(tp, pos) - pos);
                if (pos < start.get(tp)) reachedStart = false;
            }
            lagRecords = lag;
            lastContactMs = clock.millis();
            if (reachedStart && !caughtUp) {
                caughtUp = true;
                LOG.info("EWT feed caught up: {} queues", store.queueCount());
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.debug("EWT feed: Kafka did not answer: {}", e.toString());
        }
    }

    @Override
    public boolean current() {
        Long since = millisSinceContact();
        return caughtUp && since != null && since <= staleAfterMs;
    }

    @Override
    public Long lagRecords() {
        return lagRecords;
    }

    @Override
    public Long millisSinceContact() {
        long last = lastContactMs;
        return last < 0 ? null : Math.max(0, clock.millis() - last);
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
