package io.chatkpi.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.ingest.sim.SimulationSink;
import io.chatkpi.ingest.sim.SimulatorConfig;
import io.chatkpi.ingest.sim.TrafficSimulator;
import io.chatkpi.jobs.kpi.KpiJob.KpiConfig;
import io.chatkpi.jobs.kpi.SessionTimeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay of simulated traffic (the real job graph, on a MiniCluster) gives exactly what the plain-Java
 * reference computes from the same events: every session row and every EWT change; and the SESSION_* facts of the
 * per-session function equal the reference's.
 */
class ReplayMatchesReferenceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void replayOfSimulatedTrafficEqualsThePlainJavaReference() throws Exception {
        // few reps for the load, so that queues build up, waits vary and people abandon
        SimulatorConfig config = SimulatorConfig.defaults()
                .withRate(45)
                .withRepsPerQueue(3)
                .withSeed(20261125L)
                .withDuration(Duration.ofHours(3))
                .withDuplicateShare(0.02)
                .withInvalidShare(0.005);
        List<String> lines = new ArrayList<>();
        List<Long> lineTs = new ArrayList<>();
        List<SessionEvent> valid = new ArrayList<>();
        new TrafficSimulator(config).run(new SimulationSink() {
            @Override
            public void event(SessionEvent event) {
                valid.add(event);
                lines.add(EventCodec.encode(event));
                lineTs.add(event.ts());
            }

            @Override
            public void invalidLine(String line) {
                lines.add(line);
                lineTs.add(lineTs.isEmpty() ? 0L : lineTs.get(lineTs.size() - 1));
            }
        });
        swapNeighboursWithinBound(lines, lineTs, 3_000, new Random(7));
        Path input = dir.resolve("events.jsonl");
        Files.write(input, lines, StandardCharsets.UTF_8);
        long invalid = lines.stream().filter(l -> !EventCodec.decode(l).isValid()).count();

        Path out = dir.resolve("out");
        ReplayCli.ReplayFiles written = ReplayCli.replayToFiles(input, out, KpiConfig.defaults(), Duration.ofSeconds(5), 2);

        ReferenceKpis reference = ReferenceKpis.of(valid);
        assertThat(reference.waits).as("the scenario must produce queue waits").hasSizeGreaterThan(100);
        assertThat(invalid).isPositive();

        // sessions: the final row of each, field by field
        Map<String, JsonNode> sessions = new TreeMap<>();
        for (String l : Files.readAllLines(out.resolve("sessions.jsonl"))) {
            JsonNode row = MAPPER.readTree(l);
            sessions.put(row.get("sessionId").asText(), row);
        }
        assertThat(sessions.keySet()).isEqualTo(reference.sessions.keySet());
        assertThat(written.sessions()).isEqualTo(reference.sessions.size());
        for (var expected : reference.sessions.entrySet()) {
            JsonNode actual = sessions.get(expected.getKey());
            for (var field : expected.getValue().entrySet()) {
                assertField(expected.getKey(), field.getKey(), field.getValue(), actual.get(field.getKey()));
            }
        }

        // EWT: every change per queue, in asOf order
        Map<String, List<Map<String, Object>>> ewt = new TreeMap<>();
        for (String l : Files.readAllLines(out.resolve("ewt.jsonl"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> rec = MAPPER.readValue(l, LinkedHashMap.class);
            ewt.computeIfAbsent((String) rec.get("queueId"), q -> new ArrayList<>()).add(normalise(rec));
        }
        Map<String, List<Map<String, Object>>> expectedEwt = new TreeMap<>();
        reference.ewtChanges().forEach((q, changes) ->
                expectedEwt.put(q, changes.stream().map(ReplayMatchesReferenceTest::normalise).toList()));
        assertThat(ewt.keySet()).isEqualTo(expectedEwt.keySet());
        for (String queue : expectedEwt.keySet()) {
            assertThat(ewt.get(queue)).as("EWT changes of queue %s", queue).isEqualTo(expectedEwt.get(queue));
        }

        // SESSION_* facts (not in the replay's files): the jobs' pure per-session function against the reference
        Map<String, List<SessionEvent>> bySession = new TreeMap<>();
        valid.forEach(e -> bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e));
        List<Map<String, Object>> sessionFacts = new ArrayList<>();
        bySession.forEach((id, events) -> SessionTimeline.compute(id, events, KpiConfig.defaults().sessions()).facts()
                .stream().filter(f -> f.kind().name().startsWith("SESSION_")).forEach(f -> {
                    Map<String, Object> fact = new LinkedHashMap<>();
                    fact.put("factId", f.factId());
                    fact.put("atMs", f.atMs());
                    fact.put("queueId", f.queueId());
                    fact.put("repId", f.repId());
                    fact.put("detail", f.detail());
                    sessionFacts.add(fact);
                }));
        assertThat(reference.sessionFacts()).as("the scenario must produce SESSION_* facts of every kind")
                .extracting(f -> f.get("factId").toString().split("/")[1]).contains(
                        "SESSION_ANSWERED", "SESSION_JOINED", "SESSION_INACTIVE", "SESSION_REACTIVATED");
        assertThat(sessionFacts).containsExactlyInAnyOrderElementsOf(reference.sessionFacts());

        // rejected lines: exactly the invalid ones, by line number, each with a reason
        List<JsonNode> rejected = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("rejected.jsonl"))) {
            rejected.add(MAPPER.readTree(l));
        }
        assertThat(rejected).hasSize((int) invalid);
        for (JsonNode r : rejected) {
            String line = lines.get(r.get("line").asInt() - 1);
            assertThat(EventCodec.decode(line).isValid()).isFalse();
            assertThat(r.get("reason").asText()).isEqualTo(EventCodec.decode(line).rejected().reason());
        }
    }

    private static void assertField(String sessionId, String field, Object expected, JsonNode actual) {
        String what = sessionId + "." + field;
        assertThat(actual).as(what + " present").isNotNull();
        if (expected == null) {
            assertThat(actual.isNull()).as(what + " = null, was " + actual).isTrue();
        } else if (expected instanceof Double d) {
            assertThat(actual.asDouble()).as(what).isCloseTo(d, within(1e-6));
        } else if (expected instanceof Number n) {
            assertThat(actual.asLong()).as(what).isEqualTo(n.longValue());
        } else if (expected instanceof Boolean b) {
            assertThat(actual.asBoolean()).as(what).isEqualTo(b);
        } else {
            assertThat(actual.asText()).as(what).isEqualTo(expected.toString());
        }
    }

    /** Numbers as longs, so JSON ints and Java longs compare equal. */
    private static Map<String, Object> normalise(Map<String, Object> rec) {
        Map<String, Object> m = new LinkedHashMap<>();
        rec.forEach((k, v) -> m.put(k, v instanceof Number n ? (Object) n.longValue() : v));
        return m;
    }

    /**
     * Delivers some neighbouring lines out of order, never by more than the bound: the results must be exactly those
     * of in-order delivery.
     */
    private static void swapNeighboursWithinBound(List<String> lines, List<Long> ts, long maxSkewMs, Random random) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (ts.get(i + 1) - ts.get(i) <= maxSkewMs && random.nextInt(5) == 0) {
                String l = lines.get(i);
                lines.set(i, lines.get(i + 1));
                lines.set(i + 1, l);
                Long t = ts.get(i);
                ts.set(i, ts.get(i + 1));
                ts.set(i + 1, t);
                i++;
            }
        }
    }
}
