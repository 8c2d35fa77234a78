package io.chatkpi.ingest.event;

import java.util.List;

/**
 * Valid and invalid event texts shared by the schema agreement test and the codec tests. {@code field} is what an
 * invalid sample's rejection reason must name first ("not JSON" / "not a JSON object" for the structural ones).
 */
final class EventSamples {

    record Sample(String name, String json, boolean valid, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Sample ok(String name, String json) {
        return new Sample(name, json, true, null);
    }

    private static Sample bad(String name, String field, String json) {
        return new Sample(name, json, false, field);
    }

    private static final String BASE = "\"eventId\":\"e1\",\"sessionId\":\"s1\",";

    private static String ev(String type, String ts, String extra) {
        return "{" + BASE + "\"type\":\"" + type + "\",\"ts\":\"" + ts + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static String ev(String type, String extra) {
        return ev(type, "2026-11-25T10:00:00.250Z", extra);
    }

    static final List<Sample> ALL = List.of(
            // --- valid ---
            ok("session started with channel and topic", ev("SESSION_STARTED", "\"channel\":\"WEB\",\"topic\":\"billing\"")),
            ok("session started, in-app, no topic", ev("SESSION_STARTED", "\"channel\":\"IN_APP\"")),
            ok("queued", ev("QUEUED", "\"queueId\":\"billing\"")),
            ok("not routed with case", ev("NOT_ROUTED", "\"reason\":\"OUTSIDE_BUSINESS_HOURS\",\"caseCreated\":true")),
            ok("not routed, queue full, no case", ev("NOT_ROUTED", "\"reason\":\"QUEUE_FULL\",\"caseCreated\":false")),
            ok("not routed, no reason", ev("NOT_ROUTED", "")),
            ok("rep joined with queue", ev("REP_JOINED", "\"repId\":\"r1\",\"queueId\":\"tech\"")),
            ok("rep joined without queue", ev("REP_JOINED", "\"repId\":\"r1\"")),
            ok("message from end user", ev("MESSAGE", "\"sender\":\"END_USER\"")),
            ok("message from rep with repId", ev("MESSAGE", "\"sender\":\"REP\",\"repId\":\"r1\"")),
            ok("message from bot", ev("MESSAGE", "\"sender\":\"AUTO\"")),
            ok("inactive by auto", ev("INACTIVE", "\"by\":\"AUTO\"")),
            ok("inactive by rep", ev("INACTIVE", "\"by\":\"REP\",\"repId\":\"r1\"")),
            ok("inactive, by absent", ev("INACTIVE", "")),
            ok("ended by end user", ev("ENDED", "\"by\":\"END_USER\"")),
            ok("ended by system", ev("ENDED", "\"by\":\"SYSTEM\"")),
            ok("ended by rep", ev("ENDED", "\"by\":\"REP\",\"repId\":\"r1\"")),
            ok("acw completed", ev("ACW_COMPLETED", "\"repId\":\"r1\"")),
            ok("unknown extra fields ignored", ev("QUEUED", "\"queueId\":\"q\",\"x\":{\"nested\":[1,2,{}]},\"y\":null,\"z\":3.5")),
            ok("optional fields null count as absent", ev("SESSION_STARTED", "\"channel\":null,\"topic\":null,\"by\":null,\"caseCreated\":null")),
            ok("by on a type without rule", ev("MESSAGE", "\"sender\":\"REP\",\"by\":\"SYSTEM\"")),
            ok("ts with positive offset", ev("QUEUED", "2026-11-25T11:00:00+01:00", "\"queueId\":\"q\"")),
            ok("ts with negative offset", ev("QUEUED", "2026-11-25T05:00:00-05:00", "\"queueId\":\"q\"")),
            ok("ts without fraction", ev("QUEUED", "2026-11-25T10:00:00Z", "\"queueId\":\"q\"")),
            ok("ts with nanoseconds", ev("QUEUED", "2026-11-25T10:00:00.123456789Z", "\"queueId\":\"q\"")),
            ok("ts lowercase t and z", ev("QUEUED", "2026-11-25t10:00:00z", "\"queueId\":\"q\"")),
            ok("ts offset +18:00", ev("QUEUED", "2026-11-25T10:00:00+18:00", "\"queueId\":\"q\"")),
            ok("leap day", ev("QUEUED", "2028-02-29T10:00:00Z", "\"queueId\":\"q\"")),
            ok("fields in another order, whitespace",
                    "  { \"ts\" : \"2026-11-25T10:00:00Z\" , \"type\":\"ENDED\", \"sessionId\":\"s\", \"eventId\":\"e\" }  "),
            ok("unicode ids", "{\"eventId\":\"é-1\",\"sessionId\":\"séance\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"),

            // --- structurally broken ---
            bad("not JSON", "not JSON", "this is not json"),
            bad("truncated JSON", "not JSON", "{\"eventId\":\"e1\",\"sessionId\":"),
            bad("empty line", "not JSON", ""),
            bad("trailing content", "not JSON", ev("ENDED", "") + " {}"),
            bad("a JSON array", "not a JSON object", "[" + ev("ENDED", "") + "]"),
            bad("a JSON string", "not a JSON object", "\"hello\""),
            bad("a JSON number", "not a JSON object", "42"),

            // --- required fields ---
            bad("missing eventId", "eventId", "{\"sessionId\":\"s1\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("empty eventId", "eventId", "{\"eventId\":\"\",\"sessionId\":\"s1\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("null eventId", "eventId", "{\"eventId\":null,\"sessionId\":\"s1\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("missing sessionId", "sessionId", "{\"eventId\":\"e1\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("empty sessionId", "sessionId", "{\"eventId\":\"e1\",\"sessionId\":\"\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("missing type", "type", "{" + BASE + "\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("empty type", "type", "{" + BASE + "\"type\":\"\",\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("missing ts", "ts", "{" + BASE + "\"type\":\"ENDED\"}"),
            bad("empty ts", "ts", ev("ENDED", "", "")),
            bad("QUEUED without queueId", "queueId", ev("QUEUED", "")),
            bad("QUEUED with empty queueId", "queueId", ev("QUEUED", "\"queueId\":\"\"")),
            bad("QUEUED with null queueId", "queueId", ev("QUEUED", "\"queueId\":null")),
            bad("REP_JOINED without repId", "repId", ev("REP_JOINED", "\"queueId\":\"q\"")),
            bad("ACW_COMPLETED without repId", "repId", ev("ACW_COMPLETED", "")),
            bad("ACW_COMPLETED with empty repId", "repId", ev("ACW_COMPLETED", "\"repId\":\"\"")),
            bad("MESSAGE without sender", "sender", ev("MESSAGE", "")),
            bad("empty optional topic", "topic", ev("SESSION_STARTED", "\"topic\":\"\"")),
            bad("empty optional queueId on REP_JOINED", "queueId", ev("REP_JOINED", "\"repId\":\"r\",\"queueId\":\"\"")),
            bad("empty optional repId on MESSAGE", "repId", ev("MESSAGE", "\"sender\":\"REP\",\"repId\":\"\"")),

            // --- unknown enum values ---
            bad("unknown type", "type", ev("TRANSFERRED", "")),
            bad("lowercase type", "type", ev("ended", "")),
            bad("unknown channel", "channel", ev("SESSION_STARTED", "\"channel\":\"SMS\"")),
            bad("empty channel", "channel", ev("SESSION_STARTED", "\"channel\":\"\"")),
            bad("unknown sender", "sender", ev("MESSAGE", "\"sender\":\"BOT\"")),
            bad("unknown by", "by", ev("ENDED", "\"by\":\"ALIENS\"")),
            bad("unknown reason", "reason", ev("NOT_ROUTED", "\"reason\":\"TOO_LATE\"")),
            bad("INACTIVE by END_USER not allowed", "by", ev("INACTIVE", "\"by\":\"END_USER\"")),
            bad("INACTIVE by SYSTEM not allowed", "by", ev("INACTIVE", "\"by\":\"SYSTEM\"")),
            bad("ENDED by AUTO not allowed", "by", ev("ENDED", "\"by\":\"AUTO\"")),

            // --- timestamps ---
            bad("ts without zone", "ts", ev("ENDED", "2026-11-25T10:00:00", "")),
            bad("ts without zone, with fraction", "ts", ev("ENDED", "2026-11-25T10:00:00.250", "")),
            bad("ts date only", "ts", ev("ENDED", "2026-11-25", "")),
            bad("ts epoch millis as string", "ts", ev("ENDED", "1764064800000", "")),
            bad("ts garbage", "ts", ev("ENDED", "yesterday", "")),
            bad("ts with space separator", "ts", ev("ENDED", "2026-11-25 10:00:00Z", "")),
            bad("ts without seconds", "ts", ev("ENDED", "2026-11-25T10:00Z", "")),
            bad("ts with empty fraction", "ts", ev("ENDED", "2026-11-25T10:00:00.Z", "")),
            bad("ts with 10 fraction digits", "ts", ev("ENDED", "2026-11-25T10:00:00.1234567890Z", "")),
            bad("ts with signed 5-digit year", "ts", ev("ENDED", "+12026-11-25T10:00:00Z", "")),
            bad("ts with region id", "ts", ev("ENDED", "2026-11-25T10:00:00+01:00[Europe/Paris]", "")),
            bad("ts with compact offset", "ts", ev("ENDED", "2026-11-25T10:00:00+0100", "")),
            bad("ts with hour-only offset", "ts", ev("ENDED", "2026-11-25T10:00:00+01", "")),
            bad("ts with offset seconds", "ts", ev("ENDED", "2026-11-25T10:00:00+01:00:00", "")),
            bad("ts offset beyond 18h", "ts", ev("ENDED", "2026-11-25T10:00:00+19:00", "")),
            bad("ts hour 24", "ts", ev("ENDED", "2026-11-25T24:00:00Z", "")),
            bad("ts second 60", "ts", ev("ENDED", "2026-11-25T23:59:60Z", "")),
            bad("ts month 13", "ts", ev("ENDED", "2026-13-01T10:00:00Z", "")),
            bad("ts February 30", "ts", ev("ENDED", "2026-02-30T10:00:00Z", "")),
            bad("ts February 29 in a common year", "ts", ev("ENDED", "2026-02-29T10:00:00Z", "")),
            bad("ts April 31", "ts", ev("ENDED", "2026-04-31T10:00:00Z", "")),
            bad("ts with trailing newline", "ts", ev("ENDED", "2026-11-25T10:00:00Z\\n", "")),

            // --- wrong JSON types ---
            bad("eventId as number", "eventId", "{\"eventId\":17,\"sessionId\":\"s1\",\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("sessionId as object", "sessionId", "{\"eventId\":\"e\",\"sessionId\":{\"id\":1},\"type\":\"ENDED\",\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("ts as number", "ts", "{" + BASE + "\"type\":\"ENDED\",\"ts\":1764064800000}"),
            bad("type as array", "type", "{" + BASE + "\"type\":[\"ENDED\"],\"ts\":\"2026-11-25T10:00:00Z\"}"),
            bad("caseCreated as string", "caseCreated", ev("NOT_ROUTED", "\"reason\":\"OTHER\",\"caseCreated\":\"true\"")),
            bad("caseCreated as number", "caseCreated", ev("NOT_ROUTED", "\"caseCreated\":1")),
            bad("queueId as number", "queueId", ev("QUEUED", "\"queueId\":7")),
            bad("topic as boolean", "topic", ev("SESSION_STARTED", "\"topic\":true")),
            bad("repId as array", "repId", ev("ACW_COMPLETED", "\"repId\":[\"r1\"]")));

    private EventSamples() {}
}
