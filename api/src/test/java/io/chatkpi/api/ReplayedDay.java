package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.Sender;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.jobs.kpi.KpiJob.KpiConfig;
import io.chatkpi.jobs.replay.ReplayJob;
import io.chatkpi.jobs.sink.ClickHouseSinkOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One simulated day loaded into ClickHouse the way users load history ({@code ./chatkpi replay --clickhouse}: the
 * same {@link ReplayJob#toClickHouse} graph on a local MiniCluster), plus what the tests need to compute expected
 * figures on their own: the session rows as stored ({@code sessions FINAL}) and, for what a row only holds as a sum
 * (each queue wait, each handle time, each rep reply), the individual values read off the events in plain Java.
 */
final class ReplayedDay {

    /** A queue wait that ended with a rep joining, at the REP_JOINED. */
    record Wait(String sessionId, String queueId, String repId, long atMs, long waitMs) {}

    /** A rep assignment that ended (INACTIVE or ENDED), at the ending event. */
    record Handle(String sessionId, String queueId, String repId, long atMs, long handleMs) {}

    /** A rep reply, at the REP message. */
    record Reply(String sessionId, String queueId, long atMs, long responseMs) {}

    /** A QUEUED and how its wait ended: answered (actual wait), abandoned, or still waiting (both null/false). */
    record Queued(String sessionId, String queueId, long atMs, Long actualMs, boolean abandoned) {}

    final List<String> lines = new ArrayList<>();
    final List<SessionEvent> events = new ArrayList<>();
    final Map<String, JsonNode> sessions = new LinkedHashMap<>();
    final List<Wait> waits = new ArrayList<>();
    final List<Handle> handles = new ArrayList<>();
    final List<Reply> replies = new ArrayList<>();
    final List<Queued> queued = new ArrayList<>();
    /** QUEUED events of sessions that had gone Inactive (reactivations), per session. */
    final Map<String, Integer> reactivations = new LinkedHashMap<>();
    /** The latest QUEUED per session. */
    final Map<String, Long> latestQueuedMs = new LinkedHashMap<>();
    long invalidLines;
    long duplicates;

    private ReplayedDay() {}

    /** Simulates, writes the events file, replays it into {@code database} at {@code url}, reads back the rows. */
    static ReplayedDay load(SimulatorConfig config, Path dir, String url, String database, ClickHouseClient client)
            throws Exception {
        ReplayedDay day = new ReplayedDay();
        Set<String> seen = new HashSet<>();
        TrafficSimulator simulator = new TrafficSimulator(config);
        simulator.run(new SimulationSink() {
            @Override
            public void event(SessionEvent event) {
                day.lines.add(EventCodec.encode(event));
                if (seen.add(event.eventId())) day.events.add(event);
                else day.duplicates++;
            }

            @Override
            public void invalidLine(String line) {
                day.lines.add(line);
                day.invalidLines++;
            }
        });
        Path input = dir.resolve("day.jsonl");
        try {
            Files.write(input, day.lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        ReplayJob.toClickHouse(env, input, ClickHouseSinkOptions.of(url, database), KpiConfig.defaults(),
                Duration.ofSeconds(5));
        env.execute(ReplayJob.JOB_NAME + " " + input.getFileName());

        for (JsonNode row : client.queryJson("SELECT * FROM sessions FINAL ORDER BY startedAtMs, sessionId")) {
            day.sessions.put(row.get("sessionId").asText(), row);
        }
        day.walkEvents();
        return day;
    }

    /**
     * The individual waits, handle times and replies, by the definitions of README.md ("Per-session KPIs"), for the
     * journeys the simulator produces. Assumptions about those journeys are asserted, so a simulator that starts
     * producing others (transfers, re-routes while waiting) fails here rather than silently skewing the figures.
     */
    private void walkEvents() {
        Map<String, List<SessionEvent>> bySession = new LinkedHashMap<>();
        for (SessionEvent e : events) bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e);
        for (var entry : bySession.entrySet()) {
            String sessionId = entry.getKey();
            Long segmentStart = null;
            String segmentQueue = null;
            int segmentQueuedIndex = -1;
            String queue = null;
            String rep = null;
            Long joinedAt = null;
            Long lastJoin = null;
            Long unansweredSince = null;
            boolean inactive = false;
            boolean ended = false;
            for (SessionEvent e : entry.getValue()) {
                if (ended && e.type() != EventType.ACW_COMPLETED && e.type() != EventType.MESSAGE) continue;
                switch (e.type()) {
                    case QUEUED -> {
                        assertThat(segmentStart).as("re-route while waiting in " + sessionId).isNull();
                        queue = e.queueId();
                        if (inactive) reactivations.merge(sessionId, 1, Integer::sum);
                        inactive = false;
                        segmentStart = e.ts();
                        segmentQueue = queue;
                        queued.add(new Queued(sessionId, queue, e.ts(), null, false));
                        segmentQueuedIndex = queued.size() - 1;
                        latestQueuedMs.put(sessionId, e.ts());
                    }
                    case REP_JOINED -> {
                        assertThat(segmentStart).as("join without a wait in " + sessionId).isNotNull();
                        assertThat(joinedAt).as("transfer in " + sessionId).isNull();
                        long wait = e.ts() - segmentStart;
                        queue = e.queueId() != null ? e.queueId() : segmentQueue;
                        waits.add(new Wait(sessionId, queue, e.repId(), e.ts(), wait));
                        Queued q = queued.get(segmentQueuedIndex);
                        queued.set(segmentQueuedIndex, new Queued(sessionId, q.queueId(), q.atMs(), wait, false));
                        segmentStart = null;
                        rep = e.repId();
                        joinedAt = e.ts();
                        lastJoin = e.ts();
                    }
                    case MESSAGE -> {
                        if (e.sender() == Sender.END_USER) {
                            if (unansweredSince == null) unansweredSince = e.ts();
                        } else if (e.sender() == Sender.REP) {
                            if (unansweredSince != null && lastJoin != null) {
                                replies.add(new Reply(sessionId, queue, e.ts(),
                                        e.ts() - Math.max(unansweredSince, lastJoin)));
                            }
                            unansweredSince = null;
                        }
                    }
                    case INACTIVE -> {
                        if (joinedAt != null) {
                            handles.add(new Handle(sessionId, queue, rep, e.ts(), e.ts() - joinedAt));
                            joinedAt = null;
                        }
                        inactive = true;
                    }
                    case NOT_ROUTED -> {
                        assertThat(segmentStart).as("not routed while waiting in " + sessionId).isNull();
                        inactive = false;
                    }
                    case ENDED -> {
                        if (segmentStart != null) {
                            Queued q = queued.get(segmentQueuedIndex);
                            queued.set(segmentQueuedIndex, new Queued(sessionId, q.queueId(), q.atMs(),
                                    null, true));
                            segmentStart = null;
                        }
                        if (joinedAt != null) {
                            handles.add(new Handle(sessionId, queue, rep, e.ts(), e.ts() - joinedAt));
                            joinedAt = null;
                        }
                        ended = true;
                    }
                    default -> {
                        // SESSION_STARTED and ACW_COMPLETED: the session rows hold all they mean
                    }
                }
            }
        }
    }

    /** Session rows matching a predicate. */
    List<JsonNode> rows(java.util.function.Predicate<JsonNode> p) {
        return sessions.values().stream().filter(p).toList();
    }

    static boolean isNull(JsonNode row, String field) {
        return row.get(field) == null || row.get(field).isNull();
    }

    static String text(JsonNode row, String field) {
        return isNull(row, field) ? null : row.get(field).asText();
    }
}
