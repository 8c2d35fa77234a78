-- Recomputes the kpi_rollup rows of the facts in [from, to) from kpi_facts: the rows the KPI job maintains
-- (KpiRollupFunction), with the same definitions, for facts written before kpi_rollup existed or for a range whose
-- rollup rows were deleted. Give from/to on 15-minute bounds: a slot is recomputed from the facts inside the range
-- only. The rows take the given version; ReplacingMergeTree keeps the higher of it and the job's (the number of changes a
-- row has seen), so delete the range's rows first (ALTER TABLE kpi_rollup DELETE WHERE slot >= .. AND slot < ..)
-- when the job has written some.
-- The histogram key is LogHistogram.SQL_KEY with v = valueMs.
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
    {{version:UInt64}}
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
      AND at >= {{from:DateTime}} AND at < {{to:DateTime}}
)
GROUP BY grain, slot, rowQueueId, rowRepId, kind, detail, flag
-- past 1 GB of aggregation state, spill to disk rather than fail on the memory limit
SETTINGS max_bytes_before_external_group_by = 1000000000
