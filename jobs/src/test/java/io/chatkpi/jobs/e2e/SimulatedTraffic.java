package io.chatkpi.jobs.e2e;

import io.chatkpi.ingest.event.Decoded;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.kafka.EventProducer;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.ingest.stack.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * The traffic of the streaming tests: a few hours of simulated chat, deterministic by seed, in fast mode, with
 * redelivered duplicates and lines that break the contract. The lines are kept exactly as sent, so that Kafka and
 * the replay file carry the same bytes.
 *
 * <p>Streaming never sees the end of its input: events newer than the watermark wait for newer events, and the EWT
 * ages samples out only as event time moves on. The {@link #endOfTraffic end-of-traffic} events stand for "time
 * goes on": one per chosen partition, an hour after the last event, they move the watermark past every timer that
 * gives output (flushes, samples ageing out after 10 minutes), which is what the bounded replay does at its end.
 * Their own session stays pending (nothing is newer) and they are landed in {@code session_events}; the comparisons
 * leave out sessions named {@link #END_OF_TRAFFIC_PREFIX}.
 */
final class SimulatedTraffic {

    static final String END_OF_TRAFFIC_PREFIX = "end-of-traffic-";
    static final Duration END_OF_TRAFFIC_AFTER = Duration.ofHours(1);

    /**
     * Three simulated hours, few reps for the load (queues build up, waits vary, people abandon), 2 % of the events
     * delivered twice and 0.5 % extra invalid lines: about 20,000 lines.
     */
    static final SimulatorConfig CONFIG = SimulatorConfig.defaults()
            .withRate(12)
            .withRepsPerQueue(2)
            .withSeed(20261201L)
            .withDuration(Duration.ofHours(3))
            .withDuplicateShare(0.02)
            .withInvalidShare(0.005);

    private static volatile SimulatedTraffic standard;

    final List<String> lines;
    /** Per line: the event, or null for an invalid line. */
    final List<SessionEvent> events;
    final long lastTs;
    private final SessionEvent firstStarted;

    private SimulatedTraffic(List<String> lines, List<SessionEvent> events) {
        this.lines = List.copyOf(lines);
        this.events = Collections.unmodifiableList(new ArrayList<>(events));
        long last = Long.MIN_VALUE;
        SessionEvent started = null;
        for (SessionEvent e : events) {
            if (e != null) {
                last = Math.max(last, e.ts());
                if (started == null && e.type() == EventType.SESSION_STARTED) {
                    started = e;
                }
            }
        }
        this.lastTs = last;
        this.firstStarted = started;
    }

    /** The traffic of {@link #CONFIG}, simulated once per test JVM. */
    static SimulatedTraffic standard() {
        SimulatedTraffic t = standard;
        if (t == null) {
            synchronized (SimulatedTraffic.class) {
                if (standard == null) {
                    standard = simulate(CONFIG);
                }
                t = standard;
            }
        }
        return t;
    }

    static SimulatedTraffic simulate(SimulatorConfig config) {
        List<String> lines = new ArrayList<>();
        List<SessionEvent> events = new ArrayList<>();
        try {
            new TrafficSimulator(config).run(new SimulationSink() {
                @Override
                public void event(SessionEvent event) {
                    lines.add(EventCodec.encode(event));
                    events.add(event);
                }

                @Override
                public void invalidLine(String line) {
                    Decoded d = EventCodec.decode(line);
                    if (d.isValid()) {
                        throw new IllegalStateException("the simulator's invalid line is valid: " + line);
                    }
                    lines.add(line);
                    events.add(null);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new SimulatedTraffic(lines, events);
    }

    int size() {
        return lines.size();
    }

    long invalidLines() {
        return events.stream().filter(e -> e == null).count();
    }

    long validLines() {
        return lines.size() - invalidLines();
    }

    Set<String> distinctEventIds(int fromLine, int toLine) {
        Set<String> ids = new HashSet<>();
        for (SessionEvent e : events.subList(fromLine, toLine)) {
            if (e != null) {
                ids.add(e.eventId());
            }
        }
        return ids;
    }

    long duplicates() {
        return validLines() - distinctEventIds(0, size()).size();
    }

    long invalidLines(int fromLine, int toLine) {
        return events.subList(fromLine, toLine).stream().filter(e -> e == null).count();
    }

    /** The index of the first valid line at or after {@code line}. */
    int firstValidLineFrom(int line) {
        for (int i = line; i < size(); i++) {
            if (events.get(i) != null) {
                return i;
            }
        }
        throw new IllegalArgumentException("no valid line after " + line);
    }

    Path writeTo(Path file) {
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Sends lines [from, to) as they are, through the ingest producer (keyed by sessionId), and waits for the acks. */
    void send(KafkaBroker kafka, String topic, int from, int to) {
        try (EventProducer producer = new EventProducer(EventProducer.config(kafka.bootstrapServers()), topic)) {
            for (String line : lines.subList(from, to)) {
                producer.sendRaw(line);
            }
            producer.flush();
        }
    }

    /**
     * Sends one end-of-traffic event to each of the given partitions (sessions named so that the producer's own
     * key hashing puts them there).
     */
    void sendEndOfTraffic(KafkaBroker kafka, String topic, int partitions, Set<Integer> toPartitions) {
        try (EventProducer producer = new EventProducer(EventProducer.config(kafka.bootstrapServers()), topic)) {
            for (SessionEvent e : endOfTraffic(partitions, toPartitions).values()) {
                producer.sendRaw(EventCodec.encode(e), e.sessionId());
            }
            producer.flush();
        }
    }

    /** By partition: a SESSION_STARTED an hour after the last event, of a session whose key hashes there. */
    Map<Integer, SessionEvent> endOfTraffic(int partitions, Set<Integer> toPartitions) {
        Map<Integer, SessionEvent> byPartition = new LinkedHashMap<>();
        for (int i = 0; byPartition.size() < toPartitions.size(); i++) {
            String sessionId = END_OF_TRAFFIC_PREFIX + i;
            int partition = Utils.toPositive(Utils.murmur2(sessionId.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (toPartitions.contains(partition) && !byPartition.containsKey(partition)) {
                byPartition.put(partition, new SessionEvent(sessionId + "-1", sessionId, EventType.SESSION_STARTED,
                        lastTs + END_OF_TRAFFIC_AFTER.toMillis(), firstStarted.channel(), firstStarted.topic(), null,
                        null, null, null, null, null));
            }
        }
        return byPartition;
    }

    static Set<Integer> allPartitions(int partitions) {
        Set<Integer> all = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            all.add(p);
        }
        return all;
    }
}
