-- Analysts' saved reports: a name and a report definition (the JSON body of POST /api/v1/reports/run).
-- Deleting writes a new version with deleted = 1; read with FINAL WHERE deleted = 0.
CREATE TABLE IF NOT EXISTS saved_reports
(
    reportId   String,
    name       String,
    definition String,
    createdAt  DateTime('UTC'),
    createdBy  String,
    version    UInt64,
    deleted    UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY reportId;
