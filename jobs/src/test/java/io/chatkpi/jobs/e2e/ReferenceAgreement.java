package io.chatkpi.jobs.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.replay.ReferenceKpis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Ties the expected rows to the independent plain-Java {@link ReferenceKpis} (no Flink, no shared code): the
 * {@code sessions} and {@code queue_ewt} rows and the SESSION_* rows of {@code kpi_facts} must hold exactly what it
 * computes from the same events. Without
 * this, the comparison with the replay would only show that streaming and replay agree, which a bug in the
 * operators they share would not break.
 */
final class ReferenceAgreement {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceAgreement() {}

    /** Null when the rows agree with the reference; else the first differences. */
    static String differences(TableRows rows, List<SessionEvent> events) {
        ReferenceKpis reference = ReferenceKpis.of(events.stream().filter(Objects::nonNull).toList());
        List<String> problems = new ArrayList<>();

        Map<String, JsonNode> sessions = new TreeMap<>();
        for (String row : rows.rows(TableRows.Table.SESSIONS)) {
            JsonNode n = parse(row);
            sessions.put(n.get("sessionId").asText(), n);
        }
        if (!sessions.keySet().equals(reference.sessions.keySet())) {
            problems.add("sessions: " + sessions.size() + " rows, the reference has " + reference.sessions.size());
        } else {
            reference.sessions.forEach((id, fields) -> fields.forEach((field, want) -> {
                String got = sessionField(sessions.get(id), field);
                if (!Objects.equals(got, canonical(want))) {
                    problems.add("sessions " + id + "." + field + ": " + got + ", the reference says " + want);
                }
            }));
        }

        Map<String, List<Map<String, Object>>> ewt = new TreeMap<>();
        rows.rows(TableRows.Table.QUEUE_EWT).stream().map(ReferenceAgreement::parse)
                .sorted(Comparator.comparingLong(n -> n.get("asOfMs").asLong()))
                .forEach(n -> ewt.computeIfAbsent(n.get("queueId").asText(), q -> new ArrayList<>()).add(ewtRecord(n)));
        Map<String, List<Map<String, Object>>> wanted = new TreeMap<>();
        reference.ewtChanges().forEach((q, changes) -> wanted.put(q, changes.stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            c.forEach((k, v) -> m.put(k, v instanceof Number n ? (Object) n.longValue() : v));
            return m;
        }).toList()));
        wanted.forEach((q, changes) -> {
            if (!changes.equals(ewt.get(q))) {
                problems.add("queue_ewt of " + q + ": " + (ewt.get(q) == null ? 0 : ewt.get(q).size())
                        + " changes, the reference has " + changes.size());
            }
        });
        if (!ewt.keySet().equals(wanted.keySet())) {
            problems.add("queue_ewt queues " + ewt.keySet() + ", the reference has " + wanted.keySet());
        }
        // the SESSION_* facts, derived by the reference from the events with no use of the jobs' other facts
        List<Map<String, Object>> sessionFacts = new ArrayList<>();
        for (String row : rows.rows(TableRows.Table.KPI_FACTS)) {
            JsonNode n = parse(row);
            if (n.get("kind").asText().startsWith("SESSION_")) {
                Map<String, Object> fact = new LinkedHashMap<>();
                fact.put("factId", n.get("factId").asText());
                fact.put("atMs", n.get("atMs").asLong());
                fact.put("queueId", n.get("queueId").asText());
                fact.put("repId", n.get("repId").asText());
                fact.put("detail", n.get("detail").asText());
                sessionFacts.add(fact);
            }
        }
        Comparator<Map<String, Object>> byFactId = Comparator.comparing(m -> (String) m.get("factId"));
        sessionFacts.sort(byFactId);
        List<Map<String, Object>> wantedSessionFacts = new ArrayList<>(reference.sessionFacts());
        wantedSessionFacts.sort(byFactId);
        if (wantedSessionFacts.isEmpty()) {
            problems.add("the reference has no SESSION_* facts: the traffic does not exercise them");
        }
        if (!sessionFacts.equals(wantedSessionFacts)) {
            List<Map<String, Object>> missing = new ArrayList<>(wantedSessionFacts);
            missing.removeAll(sessionFacts);
            List<Map<String, Object>> extra = new ArrayList<>(sessionFacts);
            extra.removeAll(wantedSessionFacts);
            problems.add("kpi_facts SESSION_*: " + sessionFacts.size() + " rows, the reference has "
                    + wantedSessionFacts.size() + "; missing " + missing.subList(0, Math.min(3, missing.size()))
                    + ", extra " + extra.subList(0, Math.min(3, extra.size())));
        }
        return problems.isEmpty() ? null : String.join("\n", problems.subList(0, Math.min(10, problems.size())));
    }

    /** A sessions column in the reference's terms: times as ISO instants, flags as booleans, numbers as text. */
    private static String sessionField(JsonNode row, String field) {
        if (field.equals("startedAt") || field.equals("endedAt")) {
            JsonNode ms = row.get(field + "Ms");
            return ms == null || ms.isNull() ? null : Instant.ofEpochMilli(ms.asLong()).toString();
        }
        JsonNode v = row.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return switch (field) {
            case "reactivated", "endedAfterInactivity", "abandoned", "caseCreated" -> Boolean.toString(v.asInt() == 1);
            case "repAvgResponseMs" -> String.format("%.6f", v.asDouble());
            default -> v.asText();
        };
    }

    private static String canonical(Object want) {
        if (want == null) {
            return null;
        }
        if (want instanceof Double d) {
            return String.format("%.6f", d);
        }
        return want.toString();
    }

    private static Map<String, Object> ewtRecord(JsonNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queueId", n.get("queueId").asText());
        m.put("asOf", Instant.ofEpochMilli(n.get("asOfMs").asLong()).toString());
        for (String f : List.of("estimatedWaitMs", "meanWaitMs", "p50WaitMs", "p90WaitMs", "sampleSize")) {
            JsonNode v = n.get(f);
            m.put(f, v == null || v.isNull() ? null : (Object) v.asLong());
        }
        return m;
    }

    private static JsonNode parse(String row) {
        try {
            return JSON.readTree(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
