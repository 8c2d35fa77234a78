-- Cluster variant of schema/003_saved_reports.sql (see 000_database.sql). Keep the columns and ORDER BY identical to
-- the single-node file: ClusterSchemaTest compares them.
CREATE TABLE IF NOT EXISTS chatkpi.saved_reports_local ON CLUSTER chatkpi_cluster
(
    reportId   String,
    name       String,
    definition String,
    createdAt  DateTime('UTC'),
    createdBy  String,
    version    UInt64,
    deleted    UInt8
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/chatkpi/saved_reports_local', '{replica}', version)
ORDER BY reportId;

CREATE TABLE IF NOT EXISTS chatkpi.saved_reports ON CLUSTER chatkpi_cluster AS chatkpi.saved_reports_local
ENGINE = Distributed('chatkpi_cluster', 'chatkpi', 'saved_reports_local', cityHash64(reportId));
