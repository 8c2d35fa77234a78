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

-- Backfill: the rows of the facts already in kpi_facts when this migration runs (none on a new install), as
-- kpi_rollup_rebuild.sql computes them, at version 0 so that every row the KPI job writes afterwards wins. The slots
-- the job goes on changing after an upgrade (the ones sessions open at the upgrade still touch, up to the 72 h
-- horizon) get the job's rows, which lack the older facts: rebuild them once the horizon has passed (README, KPI job).
INSERT INTO kpi_rollup (grain, slot, queueId, repId, kind, detail, flag, facts, valueCount, valueSumMs, valueMaxMs,
                        histKeys, histCounts, version)
SELECT
    grain,
    slot,
    rowQueueId,
    rowRepId,
    kind,
    detail,
    flag,
    toInt64(count()),
    toInt64(countIf(isNotNull(valueMs))),
    toInt64(sumIf(ifNull(valueMs, 0), isNotNull(valueMs))),
    toInt64(maxIf(ifNull(valueMs, 0), isNotNull(valueMs))),
    (sumMap(if(isNull(valueMs), emptyArrayUInt16(), [histKey]),
            if(isNull(valueMs), emptyArrayInt64(), [toInt64(1)])) AS histogram).1,
    histogram.2,
    toUInt64(0)
FROM
(
    SELECT
        arrayJoin([0, 1, 2]) AS grain,
        toStartOfFifteenMinutes(at) AS slot,
        if(grain >= 1, queueId, '') AS rowQueueId,
        if(grain = 2, repId, '') AS rowRepId,
        kind,
        detail,
        flag,
        valueMs,
        if(ifNull(valueMs, 0) <= 0, toUInt16(0),
           toUInt16(1 + ceil(log(ifNull(valueMs, 0)) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS histKey
    FROM kpi_facts FINAL
    WHERE deleted = 0
)
GROUP BY grain, slot, rowQueueId, rowRepId, kind, detail, flag
-- past 1 GB of aggregation state, spill to disk rather than fail on the memory limit (a database of a few million
-- sessions holds more facts than a server's memory limit can group at once)
SETTINGS max_bytes_before_external_group_by = 1000000000;
