package io.chatkpi.ingest.sim;

import io.chatkpi.ingest.event.EventCodec;
import io.chatkpi.ingest.event.SessionEvent;

/** Ways to break a good event's JSON, one per rejection reason the landing job must handle. */
final class InvalidLines {

    static final int KINDS = 7;

    private InvalidLines() {}

    static String corrupt(SessionEvent e, int kind) {
        String json = EventCodec.encode(e);
        String ts = EventCodec.formatTs(e.ts());
        return switch (kind) {
            case 0 -> json.replace(",\"ts\":\"" + ts + "\"", "");                         // ts: missing
            case 1 -> json.replace(ts, ts.substring(0, ts.length() - 1));                  // ts: no zone offset
            case 2 -> json.replace("\"type\":\"" + e.type() + "\"", "\"type\":\"TELEPORTED\""); // type: unknown
            case 3 -> json.substring(0, json.length() / 2);                                // not JSON: cut off
            case 4 -> "[" + json + "]";                                                   // not a JSON object
            case 5 -> json.replace("\"eventId\":\"" + e.eventId() + "\"", "\"eventId\":\"\""); // eventId: empty
            default -> json.substring(0, json.length() - 1) + ",\"caseCreated\":\"maybe\"}"; // caseCreated: type
        };
    }
}
