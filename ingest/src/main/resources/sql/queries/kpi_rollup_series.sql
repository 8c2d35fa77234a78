-- KPI measures per time bucket, or over the whole range (bucketSeconds 0, bucket 0), from kpi_rollup and
-- kpi_rollup_coarse: the columns of kpi_series.sql with the same definitions, read from pre-aggregated rows instead of
-- the raw facts. The API uses it when every bucket is whole 15-minute slots (15m / 1h / 1d or the whole range, every
-- UTC offset and offset change of the zone over the range on 15-minute marks): then the slot of a fact lies in the
-- bucket of the fact, so the bucket arithmetic of kpi_series.sql on the slot cuts the same buckets. The range is read
-- as up to seven pieces (KpiSource.Cover): the raw facts of the partial slots at its ends, [from, slotsFrom) and
-- [slotsTo, to) (empty when from / to are on 15-minute marks), each fact as a row of its own with its own time as
-- the slot; then the coarsest rows that lie whole in one bucket: 15-minute rows (kpi_rollup) over
-- [slotsFrom, hoursFrom) and [hoursTo, slotsTo), hourly rows over [hoursFrom, daysFrom) and [daysTo, hoursTo), daily
-- rows over [daysFrom, daysTo); empty pieces read nothing. Hours need every bucket to be whole hours in UTC (1h / 1d
-- in a zone whose offsets are whole hours, or the whole range), days whole UTC days (1d in UTC, or the whole range).
-- grain: 0 when neither grouped nor filtered by queue or rep, 1 by queue, 2 by rep (the rows at that grain carry
-- the queueId / repId the groups and filters look at). Percentiles: per bucket and kind, the histograms of its
-- rows merged (each (key, count) packed into one UInt64, key in the high bits, so that one sort orders them by
-- key: kpi_rollup_coarse stores them so, the 15-minute rows are packed here), then the key holding the element of
-- rank min(floor(q * n), n - 1), the rule of LogHistogram.quantile and quantileExact (xP50Key, xP90Key; the API
-- reads the key's representative). Only keys leave the server: a month of
-- hourly histograms would be megabytes of JSON per request. Each row's histogram is read once (grouped by kind
-- first, then one row per bucket); sumMap was slower on 18.16. Sessions by the SESSION_K rows whose detail names
-- sessionLevel, as in kpi_series.sql. Groups whose facts all fell away (rows at facts = 0 after retractions) are left
-- out, as kpi_series.sql has no row for them.
SELECT
    bucket,
    queueKey,
    repKey,
    sumIf(kindFacts, kind = 'STARTED') AS started,
    sumIf(kindFacts, kind = 'QUEUED') AS queued,
    sumIf(kindFacts, kind = 'ANSWERED') AS answered,
    sumIf(flaggedFacts, kind = 'ANSWERED') AS answeredWithinSl,
    sumIf(kindFacts, kind = 'ABANDONED') AS abandoned,
    sumIf(kindFacts, kind = 'NOT_ROUTED') AS notRouted,
    sumIf(kindFacts, kind = 'CASE_CREATED') AS casesCreated,
    sumIf(kindFacts, kind = 'ENDED') AS ended,
    sumIf(kindFacts, kind = 'INACTIVE') AS inactiveEvents,
    sumIf(flaggedFacts, kind = 'INACTIVE') AS autoInactiveEvents,
    sumIf(kindFacts, kind = 'REACTIVATED') AS reactivated,
    sumIf(kindFacts, kind = 'ENDED_AFTER_INACTIVITY') AS endedAfterInactivity,
    sumIf(levelFacts, kind = 'SESSION_ANSWERED') AS sessionsAnswered,
    sumIf(levelFacts, kind = 'SESSION_JOINED') AS sessionsJoined,
    sumIf(levelFacts, kind = 'SESSION_INACTIVE') AS sessionsInactive,
    sumIf(levelFacts, kind = 'SESSION_REACTIVATED') AS sessionsReactivated,
    sumIf(kindValues, kind = 'ANSWERED') AS waitCount,
    sumIf(kindSum, kind = 'ANSWERED') AS waitSum,
    maxIf(kindMax, kind = 'ANSWERED') AS waitMax,
    anyIf(p50Key, kind = 'ANSWERED') AS waitP50Key,
    anyIf(p90Key, kind = 'ANSWERED') AS waitP90Key,
    sumIf(kindValues, kind = 'FIRST_RESPONSE') AS firstResponseCount,
    sumIf(kindSum, kind = 'FIRST_RESPONSE') AS firstResponseSum,
    maxIf(kindMax, kind = 'FIRST_RESPONSE') AS firstResponseMax,
    anyIf(p50Key, kind = 'FIRST_RESPONSE') AS firstResponseP50Key,
    anyIf(p90Key, kind = 'FIRST_RESPONSE') AS firstResponseP90Key,
    sumIf(kindValues, kind = 'REP_RESPONSE') AS repResponseCount,
    sumIf(kindSum, kind = 'REP_RESPONSE') AS repResponseSum,
    maxIf(kindMax, kind = 'REP_RESPONSE') AS repResponseMax,
    anyIf(p50Key, kind = 'REP_RESPONSE') AS repResponseP50Key,
    anyIf(p90Key, kind = 'REP_RESPONSE') AS repResponseP90Key,
    sumIf(kindValues, kind = 'HANDLE') AS handleCount,
    sumIf(kindSum, kind = 'HANDLE') AS handleSum,
    maxIf(kindMax, kind = 'HANDLE') AS handleMax,
    anyIf(p50Key, kind = 'HANDLE') AS handleP50Key,
    anyIf(p90Key, kind = 'HANDLE') AS handleP90Key,
    sumIf(kindValues, kind = 'ACW') AS acwCount,
    sumIf(kindSum, kind = 'ACW') AS acwSum,
    maxIf(kindMax, kind = 'ACW') AS acwMax,
    anyIf(p50Key, kind = 'ACW') AS acwP50Key,
    anyIf(p90Key, kind = 'ACW') AS acwP90Key
FROM
(
    SELECT
        multiIf(
            {{bucketSeconds:Int64}} <= 0, toInt64(0),
            {{bucketSeconds:Int64}} < 86400,
            intDiv((toInt64(toUInt32(slot)) AS ts)
                   + (arrayElement({{offsets:Array(Int64)}}, arrayCount(x -> x <= ts, {{transitions:Array(Int64)}})) AS off),
                   greatest({{bucketSeconds:Int64}}, 1)) * {{bucketSeconds:Int64}} - off,
            (intDiv(ts + off, 86400) * 86400 AS localMidnight)
                - arrayElement({{offsets:Array(Int64)}},
                               arrayCount(x -> x <= localMidnight, {{localTransitions:Array(Int64)}}))) AS bucket,
        if({{byQueue:UInt8}} = 1, queueId, '') AS queueKey,
        if({{byRep:UInt8}} = 1, repId, '') AS repKey,
        kind,
        sum(facts) AS kindFacts,
        sumIf(facts, flag = 1) AS flaggedFacts,
        sumIf(facts, position(detail, {{sessionLevel:String}}) > 0) AS levelFacts,
        sum(valueCount) AS kindValues,
        sum(valueSumMs) AS kindSum,
        maxIf(valueMaxMs, valueCount > 0) AS kindMax,
        arraySort(groupArrayArray(histogram)) AS packed,
        arrayCumSum(arrayMap(x -> bitAnd(x, 1099511627775), packed)) AS cumulative,
        arrayElement(cumulative, -1) AS total,
        least(toUInt64(floor(0.5 * total)), total - 1) AS p50Rank,
        least(toUInt64(floor(0.9 * total)), total - 1) AS p90Rank,
        bitShiftRight(arrayElement(packed, arrayFirstIndex(c -> c > p50Rank, cumulative)), 40) AS p50Key,
        bitShiftRight(arrayElement(packed, arrayFirstIndex(c -> c > p90Rank, cumulative)), 40) AS p90Key
    FROM
    (
        SELECT slot, queueId, repId, kind, detail, flag, facts, valueCount, valueSumMs, valueMaxMs,
               arrayMap((k, c) -> bitShiftLeft(toUInt64(k), 40) + toUInt64(c), histKeys, histCounts) AS histogram
        FROM kpi_rollup FINAL
        WHERE grain = {{grain:UInt8}}
          AND (slot >= {{slotsFrom:DateTime}} AND slot < {{hoursFrom:DateTime}}
               OR slot >= {{hoursTo:DateTime}} AND slot < {{slotsTo:DateTime}})
          AND (empty(CAST({{queueIds:Array(String)}} AS Array(String)))
               OR has(CAST({{queueIds:Array(String)}} AS Array(String)), queueId))
          AND (empty(CAST({{repIds:Array(String)}} AS Array(String)))
               OR has(CAST({{repIds:Array(String)}} AS Array(String)), repId))
        -- begin edges (left out of reads on the 15-minute marks, KpiSource: a branch costs even when it reads nothing)
        UNION ALL
        -- a raw fact as the row kpi_rollup_rebuild.sql would count it in (its queue / rep kept at the grain that
        -- has them; the columns of a UNION ALL are named by its first SELECT), its value's histogram key packed as
        -- the 15-minute rows' are
        SELECT at AS slot, if({{grain:UInt8}} >= 1, queueId, '') AS rowQueueId, if({{grain:UInt8}} = 2, repId, '') AS rowRepId,
               kind, detail, flag, toInt64(1) AS facts, toInt64(isNotNull(valueMs)) AS valueCount,
               toInt64(ifNull(valueMs, 0)) AS valueSumMs, toInt64(ifNull(valueMs, 0)) AS valueMaxMs,
               if(isNull(valueMs), emptyArrayUInt64(),
                  [bitShiftLeft(toUInt64(if(ifNull(valueMs, 0) <= 0, toUInt16(0),
                                            toUInt16(1 + ceil(log(ifNull(valueMs, 0)) / log((1 + 0.01) / (1 - 0.01))
                                                              - 1e-9)))), 40) + toUInt64(1)]) AS histogram
        FROM kpi_facts FINAL
        WHERE deleted = 0
          AND (at >= {{from:DateTime}} AND at < {{slotsFrom:DateTime}}
               OR at >= {{slotsTo:DateTime}} AND at < {{to:DateTime}})
          AND (empty(CAST({{queueIds:Array(String)}} AS Array(String)))
               OR has(CAST({{queueIds:Array(String)}} AS Array(String)), queueId))
          AND (empty(CAST({{repIds:Array(String)}} AS Array(String)))
               OR has(CAST({{repIds:Array(String)}} AS Array(String)), repId))
        -- end edges
        UNION ALL
        SELECT slot, queueId, repId, kind, detail, flag, facts, valueCount, valueSumMs, valueMaxMs, histogram
        FROM kpi_rollup_coarse FINAL
        WHERE span = 3600
          AND grain = {{grain:UInt8}}
          AND (slot >= {{hoursFrom:DateTime}} AND slot < {{daysFrom:DateTime}}
               OR slot >= {{daysTo:DateTime}} AND slot < {{hoursTo:DateTime}})
          AND (empty(CAST({{queueIds:Array(String)}} AS Array(String)))
               OR has(CAST({{queueIds:Array(String)}} AS Array(String)), queueId))
          AND (empty(CAST({{repIds:Array(String)}} AS Array(String)))
               OR has(CAST({{repIds:Array(String)}} AS Array(String)), repId))
        UNION ALL
        SELECT slot, queueId, repId, kind, detail, flag, facts, valueCount, valueSumMs, valueMaxMs, histogram
        FROM kpi_rollup_coarse FINAL
        WHERE span = 86400
          AND grain = {{grain:UInt8}}
          AND slot >= {{daysFrom:DateTime}} AND slot < {{daysTo:DateTime}}
          AND (empty(CAST({{queueIds:Array(String)}} AS Array(String)))
               OR has(CAST({{queueIds:Array(String)}} AS Array(String)), queueId))
          AND (empty(CAST({{repIds:Array(String)}} AS Array(String)))
               OR has(CAST({{repIds:Array(String)}} AS Array(String)), repId))
    )
    GROUP BY bucket, queueKey, repKey, kind
)
GROUP BY bucket, queueKey, repKey
HAVING sum(kindFacts) > 0
ORDER BY bucket, queueKey, repKey
