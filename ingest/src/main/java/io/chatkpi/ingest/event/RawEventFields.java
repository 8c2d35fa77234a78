package io.chatkpi.ingest.event;

/** The contract's fields as they were found in the JSON, before validation. Mutable, parse-local. */
final class RawEventFields {
    String eventId;
    String sessionId;
    String type;
    String ts;
    /** {@code ts} as epoch milliseconds, set once validation found it valid. */
    long tsMillis;
    String channel;
    String topic;
    String queueId;
    String repId;
    String sender;
    String by;
    String reason;
    Boolean caseCreated;
    String firstTypeProblem;

    void typeProblem(String problem) {
        if (firstTypeProblem == null) {
            firstTypeProblem = problem;
        }
    }
}
