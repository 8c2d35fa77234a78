-- Cluster variant of schema/005_kpi_rollup_coarse.sql (see 000_database.sql). Keep the columns, PARTITION BY and
-- ORDER BY identical to the single-node file: ClusterSchemaTest compares them. Sharded by the row's key so every
-- version of a row lands on one shard (FINAL replaces within a shard).
CREATE TABLE IF NOT EXISTS chatkpi.kpi_rollup_coarse_local ON CLUSTER chatkpi_cluster
(
    span       UInt32,
    grain      UInt8,
    slot       DateTime('UTC'),
    queueId    String,
    repId      String,
    kind       String,
    detail     String,
    flag       UInt8,
    facts      Int64,
    valueCount Int64,
    valueSumMs Int64,
    valueMaxMs Int64,
    histogram  Array(UInt64),
    version    UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/kpi_rollup_coarse_local', '{replica}', version)
PARTITION BY toYYYYMM(slot)
ORDER BY (span, grain, queueId, repId, slot, kind, detail, flag)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS chatkpi.kpi_rollup_coarse ON CLUSTER chatkpi_cluster AS chatkpi.kpi_rollup_coarse_local
ENGINE = Distributed('chatkpi_cluster', 'chatkpi', 'kpi_rollup_coarse_local',
                     cityHash64(span, grain, queueId, repId, slot, kind, detail, flag));

-- No backfill here (schema/005 has one): an administrator runs kpi_rollup_coarse_rebuild.sql once after the upgrade,
-- day by day over the range kpi_rollup covers (README, Production).
