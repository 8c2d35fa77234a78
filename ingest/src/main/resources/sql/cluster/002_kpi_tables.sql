-- Cluster variant of schema/002_kpi_tables.sql (see 000_database.sql). Keep the columns, PARTITION BY and ORDER BY
-- identical to the single-node file: ClusterSchemaTest compares them.
CREATE TABLE IF NOT EXISTS chatkpi.sessions_local ON CLUSTER chatkpi_cluster
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/sessions_local', '{replica}', version)
ORDER BY sessionId;

CREATE TABLE IF NOT EXISTS chatkpi.sessions ON CLUSTER chatkpi_cluster AS chatkpi.sessions_local
ENGINE = Distributed('chatkpi_cluster', 'chatkpi', 'sessions_local', cityHash64(sessionId));

CREATE TABLE IF NOT EXISTS chatkpi.kpi_facts_local ON CLUSTER chatkpi_cluster
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/kpi_facts_local', '{replica}', version)
PARTITION BY toYYYYMM(at)
ORDER BY (at, sessionId, factId);

CREATE TABLE IF NOT EXISTS chatkpi.kpi_facts ON CLUSTER chatkpi_cluster AS chatkpi.kpi_facts_local
ENGINE = Distributed('chatkpi_cluster', 'chatkpi', 'kpi_facts_local', cityHash64(sessionId));

CREATE TABLE IF NOT EXISTS chatkpi.queue_ewt_local ON CLUSTER chatkpi_cluster
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/queue_ewt_local', '{replica}')
PARTITION BY toYYYYMM(asOf)
ORDER BY (queueId, asOfMs);

CREATE TABLE IF NOT EXISTS chatkpi.queue_ewt ON CLUSTER chatkpi_cluster AS chatkpi.queue_ewt_local
ENGINE = Distributed('chatkpi_cluster', 'chatkpi', 'queue_ewt_local', cityHash64(queueId));

CREATE TABLE IF NOT EXISTS chatkpi.ewt_accuracy_local ON CLUSTER chatkpi_cluster
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/ewt_accuracy_local', '{replica}', version)
PARTITION BY toYYYYMM(queuedAt)
ORDER BY (queueId, queuedAtMs, sessionId);

CREATE TABLE IF NOT EXISTS chatkpi.ewt_accuracy ON CLUSTER chatkpi_cluster AS chatkpi.ewt_accuracy_local
ENGINE = Distributed('chatkpi_cluster', 'chatkpi', 'ewt_accuracy_local', cityHash64(sessionId));
