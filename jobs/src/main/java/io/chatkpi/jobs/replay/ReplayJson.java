package io.chatkpi.jobs.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.jobs.kpi.SessionRow;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of the replay's output files: field names as in the tables, times as ISO-8601, durations in ms. */
public final class ReplayJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReplayJson() {}

    public static String session(SessionRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", r.sessionId());
        m.put("channel", r.channel());
        m.put("topic", r.topic());
        m.put("queueId", r.queueId());
        m.put("repId", r.repId());
        m.put("startedAt", iso(r.startedAtMs()));
        m.put("endedAt", iso(r.endedAtMs()));
        m.put("endedBy", r.endedBy());
        m.put("status", r.status().name());
        m.put("waitMs", r.waitMs());
        m.put("queueWaits", r.queueWaits());
        m.put("firstResponseMs", r.firstResponseMs());
        m.put("repReplies", r.repReplies());
        m.put("repAvgResponseMs", r.repAvgResponseMs());
        m.put("repMaxResponseMs", r.repMaxResponseMs());
        m.put("handleMs", r.handleMs());
        m.put("acwMs", r.acwMs());
        m.put("inactiveCount", r.inactiveCount());
        m.put("autoInactiveCount", r.autoInactiveCount());
        m.put("reactivated", r.reactivated());
        m.put("endedAfterInactivity", r.endedAfterInactivity());
        m.put("abandoned", r.abandoned());
        m.put("notRoutedReason", r.notRoutedReason());
        m.put("caseCreated", r.caseCreated());
        m.put("endUserMessages", r.endUserMessages());
        m.put("repMessages", r.repMessages());
        m.put("version", r.version());
        return write(m);
    }

    public static String ewt(EwtSnapshot s) {
        EwtFigures f = s.figures();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queueId", s.queueId());
        m.put("asOf", iso(s.asOfMs()));
        m.put("estimatedWaitMs", f.estimatedWaitMs());
        m.put("meanWaitMs", f.meanWaitMs());
        m.put("p50WaitMs", f.p50WaitMs());
        m.put("p90WaitMs", f.p90WaitMs());
        m.put("sampleSize", f.sampleSize());
        return write(m);
    }

    public static String rejected(LineRejection r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", r.line());
        m.put("reason", r.reason());
        return write(m);
    }

    static String iso(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }

    private static String write(Map<String, Object> m) {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
