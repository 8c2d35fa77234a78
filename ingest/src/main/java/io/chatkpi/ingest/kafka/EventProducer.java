package io.chatkpi.ingest.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.SessionEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends session events to {@link Topics#SESSION_EVENTS}, keyed by sessionId so that one session's events stay in
 * one partition, in order. Also sends raw lines as they are, valid or not: the landing job, not the sender,
 * decides what is rejected, so that nothing is lost on the way (invalid lines end in {@code rejected_events}).
 *
 * <p>Delivery errors are counted and the first one is kept; {@link #flush()} and {@link #close()} throw it, so a
 * caller never reports "sent" for records the broker did not take.
 */
public final class EventProducer implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Callback callback = (metadata, exception) -> {
        if (exception == null) {
            acknowledged.incrementAndGet();
        } else {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
        }
    };
    private long submitted;

    public EventProducer(String bootstrapServers) {
        this(config(bootstrapServers), Topics.SESSION_EVENTS);
    }

    public EventProducer(Properties config, String topic) {
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /**
     * Producer settings for throughput without losing or duplicating records: idempotence (with acks=all) makes
     * retries safe, lz4 is cheap on CPU (the 2-core machines are CPU-bound, not network-bound), and a 20 ms
     * linger with 256 KiB batches lets small JSON records travel in few requests.
     */
    public static Properties config(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "chatkpi-ingest");
        return p;
    }

    /**
     * Fetches the topic's metadata, so that an unreachable broker fails here, within {@code max.block.ms}, rather
     * than on the first send. Returns the topic's partition count.
     */
    public int connect() {
        return producer.partitionsFor(topic).size();
    }

    /** Sends one event in its canonical JSON form, keyed by its sessionId. */
    public void send(SessionEvent event) {
        send(event.sessionId().getBytes(StandardCharsets.UTF_8), EventCodec.encodeToBytes(event));
    }

    /** Sends a line exactly as it is, keyed by its sessionId when one can be read from it, else without a key. */
    public void sendRaw(String line) {
        sendRaw(line, sessionIdOf(line));
    }

    /** Sends a line exactly as it is with a known key (null: no key). */
    public void sendRaw(String line, String sessionId) {
        send(sessionId == null ? null : sessionId.getBytes(StandardCharsets.UTF_8),
                line.getBytes(StandardCharsets.UTF_8));
    }

    private void send(byte[] key, byte[] value) {
        rethrowFailure();
        producer.send(new ProducerRecord<>(topic, key, value), callback);
        submitted++;
    }

    /** Waits until every record sent so far is acknowledged; throws if any delivery failed. */
    public void flush() {
        producer.flush();
        rethrowFailure();
    }

    private void rethrowFailure() {
        Exception e = firstFailure.get();
        if (e != null) {
            throw new DeliveryFailedException(failed.get() + " record(s) could not be delivered to '" + topic
                    + "': " + e.getMessage(), e);
        }
    }

    /** Records handed to the Kafka client so far. */
    public long submitted() {
        return submitted;
    }

    /** Records the broker acknowledged. */
    public long acknowledged() {
        return acknowledged.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        try {
            producer.flush();
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
        rethrowFailure();
    }

    /**
     * The top-level {@code sessionId} string of a JSON text, read leniently (the text may break the contract
     * elsewhere, or be cut off after the field); null when there is none.
     */
    public static String sessionIdOf(String raw) {
        if (raw == null || raw.isEmpty()) return null;
        try (JsonParser p = JSON.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("sessionId".equals(name)) {
                    return v == JsonToken.VALUE_STRING && !p.getText().isEmpty() ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A record the broker did not take within the delivery timeout. */
    public static final class DeliveryFailedException extends RuntimeException {
        DeliveryFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
