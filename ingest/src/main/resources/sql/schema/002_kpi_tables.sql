-- One row per session, rewritten as the session progresses: the highest version wins (read with FINAL).
-- Not partitioned by time: startedAt can move earlier when a late SESSION_STARTED arrives, and FINAL only
-- collapses versions within one partition.
CREATE TABLE IF NOT EXISTS sessions
(
    sessionId            String,
    channel              Nullable(String),
    topic                Nullable(String),
    queueId              Nullable(String),
    repId                Nullable(String),
    startedAt            DateTime('UTC'),
    startedAtMs          UInt64,
    endedAt              Nullable(DateTime('UTC')),
    endedAtMs            Nullable(UInt64),
    endedBy              Nullable(String),
    status               String,
    waitMs               UInt64,
    queueWaits           UInt32,
    firstResponseMs      Nullable(UInt64),
    repReplies           UInt32,
    repResponseSumMs     UInt64,
    repAvgResponseMs     Nullable(Float64),
    repMaxResponseMs     Nullable(UInt64),
    handleMs             UInt64,
    acwMs                Nullable(UInt64),
    inactiveCount        UInt32,
    autoInactiveCount    UInt32,
    reactivated          UInt8,
    endedAfterInactivity UInt8,
    abandoned            UInt8,
    notRoutedReason      Nullable(String),
    caseCreated          UInt8,
    endUserMessages      UInt32,
    repMessages          UInt32,
    version              UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY sessionId;

-- The facts behind every rollup: one row per countable thing, in the minute of the event that completes it,
-- attributed to its queue and to the rep of that assignment. factId is deterministic
-- (sessionId/kind/completing eventId), so re-emission replaces; a fact that a late event invalidates is
-- re-emitted with deleted = 1 and a higher version. Raw rows, not pre-aggregated states: late events must be
-- able to retract a fact, and quantile states cannot be retracted.
CREATE TABLE IF NOT EXISTS kpi_facts
(
    factId    String,
    sessionId String,
    kind      String,
    at        DateTime('UTC'),
    atMs      UInt64,
    queueId   String,
    repId     String,
    valueMs   Nullable(Int64),
    detail    String,
    flag      UInt8,
    version   UInt64,
    deleted   UInt8
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(at)
ORDER BY (at, sessionId, factId);

-- Every change of a queue's estimated wait time, with the event time from which it holds.
CREATE TABLE IF NOT EXISTS queue_ewt
(
    queueId         String,
    asOf            DateTime('UTC'),
    asOfMs          UInt64,
    estimatedWaitMs Nullable(Int64),
    meanWaitMs      Nullable(Int64),
    p50WaitMs       Nullable(Int64),
    p90WaitMs       Nullable(Int64),
    sampleSize      UInt8
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(asOf)
ORDER BY (queueId, asOfMs);

-- For every QUEUED: the estimate in force at that instant, and the wait that followed. A row is written when the
-- session enters the queue (version 0, actualMs null) and again when its wait ends (version 1), which replaces it
-- whatever the order the two inserts land in.
CREATE TABLE IF NOT EXISTS ewt_accuracy
(
    queueId     String,
    sessionId   String,
    queuedAt    DateTime('UTC'),
    queuedAtMs  UInt64,
    predictedMs Nullable(Int64),
    sampleSize  UInt8,
    actualMs    Nullable(Int64),
    abandoned   UInt8,
    version     UInt8
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(queuedAt)
ORDER BY (queueId, queuedAtMs, sessionId);
