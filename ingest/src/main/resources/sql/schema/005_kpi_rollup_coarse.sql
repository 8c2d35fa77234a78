-- kpi_rollup's rows added up per hour and per day (UTC): a month of hourly KPIs reads ~700 rows per kind instead of
-- ~2,900 fifteen-minute ones, a month's percentiles ~30 daily histograms per kind instead of ~2,900. The API reads
-- these where a bucket or a range holds whole hours or days (KpiSource) and the 15-minute rows for the rest.
-- span: 3600 (slot = the hour's start) or 86400 (slot = the UTC day's start). grain, queueId, repId, kind, detail,
-- flag, facts, valueCount, valueSumMs, valueMaxMs: as in kpi_rollup, over the span's slots (valueMaxMs: the largest of
-- those with values). histogram: kpi_rollup's histKeys/histCounts merged key by key, each (key, count) packed into one
-- UInt64 as key * 2^40 + count, ascending: the form kpi_rollup_series.sql sorts and counts in, stored so that a
-- request does not pack ~700,000 pairs a month with a lambda (~40 % of the hourly query on 18.16). Read a key as
-- bitShiftRight(x, 40), its count as bitAnd(x, 1099511627775).
-- Maintained by the KPI job (KpiRollupCoarsening) from the kpi_rollup rows it writes; version = the sum of the
-- versions of the kpi_rollup rows added up, so a row rewritten after any of them changed wins (ReplacingMergeTree).
-- kpi_rollup_coarse_rebuild.sql recomputes rows from kpi_rollup with the same definitions.
-- index_granularity 1024 (not 8192): a request reads one grain's rows of one span, a few hundred to a few thousand
-- rows per kind and month, and with FINAL every row of a granule is read and merged: 8192-row granules made the
-- month's 480 daily grain-0 rows cost 20,182 rows read (~2x the query's time).
CREATE TABLE IF NOT EXISTS kpi_rollup_coarse
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(slot)
ORDER BY (span, grain, queueId, repId, slot, kind, detail, flag)
SETTINGS index_granularity = 1024;

-- Backfill: the hours and days of the kpi_rollup rows already there (none on a new install), as
-- kpi_rollup_coarse_rebuild.sql computes them. The job's rows win where it writes later (their versions add up the
-- same kpi_rollup versions, or higher ones). One statement over the whole table: on the bench's month (7,755,034
-- kpi_rollup rows) it failed at the 4 GB memory limit without the external GROUP BY, and took 29 s and 1.1 GB with it.
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
)
GROUP BY span, grain, coarseSlot, queueId, repId, kind, detail, flag
-- past 1 GB of aggregation state, spill to disk rather than fail on the memory limit
SETTINGS max_bytes_before_external_group_by = 1000000000;
