-- KPI measures per time bucket, or over the whole range (bucketSeconds 0, bucket 0), from kpi_rollup: the columns of
-- kpi_series.sql with the same definitions, read from the 15-minute slots instead of the raw facts. The API uses it
-- when every bucket and the range are whole slots (15m / 1h / 1d or the whole range, from / to on 15-minute marks,
-- every UTC offset and offset change of the zone over the range on 15-minute marks): then the slot of a fact lies in
-- the bucket of the fact, so the bucket arithmetic of kpi_series.sql on the slot cuts the same buckets.
-- grain: 0 when neither grouped nor filtered by queue or rep, 1 by queue, 2 by rep (the rows at that grain carry
-- the queueId / repId the groups and filters look at). Percentiles: the histograms of the bucket's rows merged
-- (sumMap: keys ascending), then the key holding the element of rank min(floor(q * n), n - 1), the rule of
-- LogHistogram.quantile and quantileExact (xP50Key, xP90Key; the API reads the key's representative). Only keys
-- leave the server: a month of hourly histograms would be megabytes of JSON per request. Sessions
-- by the SESSION_K rows whose detail names sessionLevel, as in kpi_series.sql. Groups whose facts all fell
-- away (rows at facts = 0 after retractions) are left out, as kpi_series.sql has no row for them.
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
    sumIf(facts, kind = 'STARTED') AS started,
    sumIf(facts, kind = 'QUEUED') AS queued,
    sumIf(facts, kind = 'ANSWERED') AS answered,
    sumIf(facts, kind = 'ANSWERED' AND flag = 1) AS answeredWithinSl,
    sumIf(facts, kind = 'ABANDONED') AS abandoned,
    sumIf(facts, kind = 'NOT_ROUTED') AS notRouted,
    sumIf(facts, kind = 'CASE_CREATED') AS casesCreated,
    sumIf(facts, kind = 'ENDED') AS ended,
    sumIf(facts, kind = 'INACTIVE') AS inactiveEvents,
    sumIf(facts, kind = 'INACTIVE' AND flag = 1) AS autoInactiveEvents,
    sumIf(facts, kind = 'REACTIVATED') AS reactivated,
    sumIf(facts, kind = 'ENDED_AFTER_INACTIVITY') AS endedAfterInactivity,
    sumIf(facts, kind = 'SESSION_ANSWERED' AND position(detail, {{sessionLevel:String}}) > 0) AS sessionsAnswered,
    sumIf(facts, kind = 'SESSION_JOINED' AND position(detail, {{sessionLevel:String}}) > 0) AS sessionsJoined,
    sumIf(facts, kind = 'SESSION_INACTIVE' AND position(detail, {{sessionLevel:String}}) > 0) AS sessionsInactive,
    sumIf(facts, kind = 'SESSION_REACTIVATED' AND position(detail, {{sessionLevel:String}}) > 0) AS sessionsReactivated,
    sumIf(valueCount, kind = 'ANSWERED') AS waitCount,
    sumIf(valueSumMs, kind = 'ANSWERED') AS waitSum,
    maxIf(valueMaxMs, kind = 'ANSWERED' AND valueCount > 0) AS waitMax,
    arrayElement((sumMap(if(kind = 'ANSWERED', histKeys, emptyArrayUInt16()),
                         if(kind = 'ANSWERED', histCounts, emptyArrayInt64())) AS waitHistogram).1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.5 * waitTotal)), waitTotal - 1),
                                 arrayCumSum(waitHistogram.2) AS waitCumulative)) AS waitP50Key,
    arrayElement(waitHistogram.1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.9 * waitTotal)), waitTotal - 1),
                                 waitCumulative)) AS waitP90Key,
    arrayElement(waitCumulative, -1) AS waitTotal,
    sumIf(valueCount, kind = 'FIRST_RESPONSE') AS firstResponseCount,
    sumIf(valueSumMs, kind = 'FIRST_RESPONSE') AS firstResponseSum,
    maxIf(valueMaxMs, kind = 'FIRST_RESPONSE' AND valueCount > 0) AS firstResponseMax,
    arrayElement((sumMap(if(kind = 'FIRST_RESPONSE', histKeys, emptyArrayUInt16()),
                         if(kind = 'FIRST_RESPONSE', histCounts, emptyArrayInt64())) AS firstResponseHistogram).1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.5 * firstResponseTotal)), firstResponseTotal - 1),
                                 arrayCumSum(firstResponseHistogram.2) AS firstResponseCumulative)) AS firstResponseP50Key,
    arrayElement(firstResponseHistogram.1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.9 * firstResponseTotal)), firstResponseTotal - 1),
                                 firstResponseCumulative)) AS firstResponseP90Key,
    arrayElement(firstResponseCumulative, -1) AS firstResponseTotal,
    sumIf(valueCount, kind = 'REP_RESPONSE') AS repResponseCount,
    sumIf(valueSumMs, kind = 'REP_RESPONSE') AS repResponseSum,
    maxIf(valueMaxMs, kind = 'REP_RESPONSE' AND valueCount > 0) AS repResponseMax,
    arrayElement((sumMap(if(kind = 'REP_RESPONSE', histKeys, emptyArrayUInt16()),
                         if(kind = 'REP_RESPONSE', histCounts, emptyArrayInt64())) AS repResponseHistogram).1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.5 * repResponseTotal)), repResponseTotal - 1),
                                 arrayCumSum(repResponseHistogram.2) AS repResponseCumulative)) AS repResponseP50Key,
    arrayElement(repResponseHistogram.1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.9 * repResponseTotal)), repResponseTotal - 1),
                                 repResponseCumulative)) AS repResponseP90Key,
    arrayElement(repResponseCumulative, -1) AS repResponseTotal,
    sumIf(valueCount, kind = 'HANDLE') AS handleCount,
    sumIf(valueSumMs, kind = 'HANDLE') AS handleSum,
    maxIf(valueMaxMs, kind = 'HANDLE' AND valueCount > 0) AS handleMax,
    arrayElement((sumMap(if(kind = 'HANDLE', histKeys, emptyArrayUInt16()),
                         if(kind = 'HANDLE', histCounts, emptyArrayInt64())) AS handleHistogram).1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.5 * handleTotal)), handleTotal - 1),
                                 arrayCumSum(handleHistogram.2) AS handleCumulative)) AS handleP50Key,
    arrayElement(handleHistogram.1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.9 * handleTotal)), handleTotal - 1),
                                 handleCumulative)) AS handleP90Key,
    arrayElement(handleCumulative, -1) AS handleTotal,
    sumIf(valueCount, kind = 'ACW') AS acwCount,
    sumIf(valueSumMs, kind = 'ACW') AS acwSum,
    maxIf(valueMaxMs, kind = 'ACW' AND valueCount > 0) AS acwMax,
    arrayElement((sumMap(if(kind = 'ACW', histKeys, emptyArrayUInt16()),
                         if(kind = 'ACW', histCounts, emptyArrayInt64())) AS acwHistogram).1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.5 * acwTotal)), acwTotal - 1),
                                 arrayCumSum(acwHistogram.2) AS acwCumulative)) AS acwP50Key,
    arrayElement(acwHistogram.1,
                 arrayFirstIndex(c -> c > least(toInt64(floor(0.9 * acwTotal)), acwTotal - 1),
                                 acwCumulative)) AS acwP90Key,
    arrayElement(acwCumulative, -1) AS acwTotal
FROM kpi_rollup FINAL
WHERE grain = {{grain:UInt8}}
  AND slot >= {{from:DateTime}} AND slot < {{to:DateTime}}
  AND (empty(CAST({{queueIds:Array(String)}} AS Array(String)))
       OR has(CAST({{queueIds:Array(String)}} AS Array(String)), queueId))
  AND (empty(CAST({{repIds:Array(String)}} AS Array(String)))
       OR has(CAST({{repIds:Array(String)}} AS Array(String)), repId))
GROUP BY bucket, queueKey, repKey
HAVING sum(facts) > 0
ORDER BY bucket, queueKey, repKey
