-- Raw landing: every valid event once (deduplicated by eventId on merge; read with FINAL or uniqExact(eventId)).
-- Times are DateTime('UTC') for humans and UInt64 epoch-ms for exact arithmetic (18.16 has no DateTime64).
CREATE TABLE IF NOT EXISTS session_events
(
    eventId        String,
    sessionId      String,
    type           String,
    ts             DateTime('UTC'),
    tsMs           UInt64,
    channel        Nullable(String),
    topic          Nullable(String),
    queueId        Nullable(String),
    repId          Nullable(String),
    sender         Nullable(String),
    byActor        Nullable(String),
    reason         Nullable(String),
    caseCreated    Nullable(UInt8),
    ingestedAt     DateTime('UTC'),
    sourcePartition Int32,
    sourceOffset   Int64
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(ts)
ORDER BY (sessionId, eventId);

-- Input that broke the contract, kept whole with the reason. rejectId names the source position
-- (e.g. kafka:session-events:0:1234), so a redelivery replaces rather than duplicates.
CREATE TABLE IF NOT EXISTS rejected_events
(
    rejectId   String,
    raw        String,
    reason     String,
    source     String,
    ingestedAt DateTime('UTC')
)
ENGINE = ReplacingMergeTree()
ORDER BY rejectId;
