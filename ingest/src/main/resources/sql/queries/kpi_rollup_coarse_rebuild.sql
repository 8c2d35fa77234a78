-- Recomputes the kpi_rollup_coarse rows (hours and UTC days) of the slots in [from, to) from kpi_rollup: the rows the
-- KPI job maintains (KpiRollupCoarsening), with the same definitions, for kpi_rollup rows written before
-- kpi_rollup_coarse existed or rebuilt since (kpi_rollup_rebuild.sql: run this after it over the same days). Give
-- from/to on UTC day marks: a day is recomputed from the slots inside the range only. Version = the sum of the
-- versions added up, as the job's; delete the range's rows first (ALTER TABLE kpi_rollup_coarse DELETE WHERE ...) when
-- kpi_rollup's were deleted and rebuilt with a lower version.
INSERT INTO kpi_rollup_coarse (span, grain, slot, queueId, repId, kind, detail, flag, facts, valueCount, valueSumMs,
                               valueMaxMs, histogram, version)
SELECT
    span,
    grain,
    coarseSlot,
    queueId,
    repId,
    kind,
    detail,
    flag,
    sum(facts),
    sum(valueCount),
    sum(valueSumMs),
    maxIf(valueMaxMs, valueCount > 0),
    arrayMap((k, c) -> bitShiftLeft(toUInt64(k), 40) + toUInt64(c),
             (arrayReduce('sumMap', [groupArrayArray(histKeys)], [groupArrayArray(histCounts)]) AS merged).1,
             merged.2),
    sum(version)
FROM
(
    SELECT
        arrayJoin([toUInt32(3600), toUInt32(86400)]) AS span,
        grain,
        toDateTime(intDiv(toUInt32(slot), span) * span, 'UTC') AS coarseSlot,
        queueId,
        repId,
        kind,
        detail,
        flag,
        facts,
        valueCount,
        valueSumMs,
        valueMaxMs,
        histKeys,
        histCounts,
        version
    FROM kpi_rollup FINAL
    WHERE slot >= {{from:DateTime}} AND slot < {{to:DateTime}}
)
GROUP BY span, grain, coarseSlot, queueId, repId, kind, detail, flag
-- past 1 GB of aggregation state, spill to disk rather than fail on the memory limit
SETTINGS max_bytes_before_external_group_by = 1000000000
