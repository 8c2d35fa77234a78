package io.chatkpi.jobs.landing;

import static io.chatkpi.jobs.sink.ClickHouseBind.dateTime;
import static io.chatkpi.jobs.sink.ClickHouseBind.nullableFlag;
import static io.chatkpi.jobs.sink.ClickHouseBind.nullableName;
import static io.chatkpi.jobs.sink.ClickHouseBind.nullableString;

import io.chatkpi.ingest.event.SessionEvent;
import io.chatkpi.jobs.sink.ClickHouseTable;
import java.util.List;

/** The raw landing tables (schema: {@code sql/schema/001_raw_events.sql}) and how rows are bound to them. */
public final class LandingTables {

    public static final ClickHouseTable<LandedEvent> SESSION_EVENTS = new ClickHouseTable<>(
            "session_events",
            List.of("eventId", "sessionId", "type", "ts", "tsMs", "channel", "topic", "queueId", "repId", "sender",
                    "byActor", "reason", "caseCreated", "ingestedAt", "sourcePartition", "sourceOffset"),
            (ps, landed) -> {
                SessionEvent e = landed.event();
                ps.setString(1, e.eventId());
                ps.setString(2, e.sessionId());
                ps.setString(3, e.type().name());
                dateTime(ps, 4, e.ts());
                ps.setLong(5, e.ts());
                nullableName(ps, 6, e.channel());
                nullableString(ps, 7, e.topic());
                nullableString(ps, 8, e.queueId());
                nullableString(ps, 9, e.repId());
                nullableName(ps, 10, e.sender());
                nullableName(ps, 11, e.by());
                nullableName(ps, 12, e.reason());
                nullableFlag(ps, 13, e.caseCreated());
                dateTime(ps, 14, landed.ingestedAtMs());
                ps.setInt(15, landed.sourcePartition());
                ps.setLong(16, landed.sourceOffset());
            });

    public static final ClickHouseTable<RejectedRecord> REJECTED_EVENTS = new ClickHouseTable<>(
            "rejected_events",
            List.of("rejectId", "raw", "reason", "source", "ingestedAt"),
            (ps, r) -> {
                ps.setString(1, r.rejectId());
                ps.setString(2, r.rawText());
                ps.setString(3, r.reason());
                ps.setString(4, r.source());
                dateTime(ps, 5, r.ingestedAtMs());
            });

    private LandingTables() {}
}
