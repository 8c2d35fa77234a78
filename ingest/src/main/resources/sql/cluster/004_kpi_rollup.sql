-- Cluster variant of schema/004_kpi_rollup.sql (see 000_database.sql). Keep the columns, PARTITION BY and ORDER BY
-- identical to the single-node file: ClusterSchemaTest compares them. Sharded by the row's key so every version of
-- a row lands on one shard (FINAL replaces within a shard).
CREATE TABLE IF NOT EXISTS chatkpi.kpi_rollup_local ON CLUSTER chatkpi_cluster
(
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
    histKeys   Array(UInt16),
    histCounts Array(Int64),
    version    UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/kpi_rollup_local', '{replica}', version)
PARTITION BY toYYYYMM(slot)
ORDER BY (grain, queueId, repId, slot, kind, detail, flag);

CREATE TABLE IF NOT EXISTS chatkpi.kpi_rollup ON CLUSTER chatkpi_cluster AS chatkpi.kpi_rollup_local
ENGINE = Distributed('chatkpi_cluster', 'chatkpi', 'kpi_rollup_local',
                     cityHash64(grain, queueId, repId, slot, kind, detail, flag));

-- No backfill here (schema/004 has one): on a cluster it must read the Distributed kpi_facts, which an
-- administrator runs once after the upgrade as kpi_rollup_rebuild.sql over the whole range (README, Production).
