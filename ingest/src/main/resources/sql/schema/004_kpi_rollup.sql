-- kpi_facts pre-aggregated per 15-minute slot, so a month of KPIs reads thousands of rows instead of every fact.
-- Three grains of the same facts: 0 = all queues and reps (queueId = repId = ''), 1 = per queue (repId = ''),
-- 2 = per queue and rep. A 15-minute slot because every zone's UTC offset in use is a multiple of 15 minutes:
-- local hours and days are whole slots everywhere.
-- Maintained by the KPI job from the changes of kpi_facts (a retracted or replaced fact is subtracted): each row is
-- rewritten with a higher version (the number of changes applied to it), read with FINAL. kpi_rollup_rebuild.sql
-- recomputes rows from kpi_facts with the same definitions (for data written before this table existed).
-- Per row: the facts of one kind/detail/flag, the sum and exact maximum of their valueMs, and a log-scale histogram
-- of valueMs (LogHistogram: relative error <= 1 %) from which percentiles over any set of rows are read.
CREATE TABLE IF NOT EXISTS kpi_rollup
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(slot)
ORDER BY (grain, queueId, repId, slot, kind, detail, flag);
