-- Cluster variant of schema/001_raw_events.sql (see 000_database.sql). Keep the columns, PARTITION BY and ORDER BY
-- identical to the single-node file: ClusterSchemaTest compares them.
CREATE TABLE IF NOT EXISTS chatkpi.session_events_local ON CLUSTER chatkpi_cluster
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/session_events_local', '{replica}')
PARTITION BY toYYYYMM(ts)
ORDER BY (sessionId, eventId);

CREATE TABLE IF NOT EXISTS chatkpi.session_events ON CLUSTER chatkpi_cluster AS chatkpi.session_events_local
ENGINE = Distributed('chatkpi_cluster', 'chatkpi', 'session_events_local', cityHash64(sessionId));

CREATE TABLE IF NOT EXISTS chatkpi.rejected_events_local ON CLUSTER chatkpi_cluster
(
    rejectId   String,
    raw        String,
    reason     String,
    source     String,
    ingestedAt DateTime('UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/rejected_events_local', '{replica}')
ORDER BY rejectId;

CREATE TABLE IF NOT EXISTS chatkpi.rejected_events ON CLUSTER chatkpi_cluster AS chatkpi.rejected_events_local
ENGINE = Distributed('chatkpi_cluster', 'chatkpi', 'rejected_events_local', cityHash64(rejectId));
