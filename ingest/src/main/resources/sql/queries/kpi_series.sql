-- KPI measures of kpi_facts per time bucket, or over the whole range (bucketSeconds 0, bucket 0): the raw path, for
-- requests kpi_rollup cannot answer (1m / 5m buckets, bounds off 15-minute marks, zone offsets not a multiple of 15
-- minutes). kpi_rollup_series.sql returns the same columns from kpi_rollup, with the same definitions, so the two
-- agree exactly. Counts, sums and maxima are exact; the API divides sums by counts (never averages averages).
-- Percentiles as LogHistogram buckets (xP50Key, xP90Key: LogHistogram.SQL_KEY, the key kpi_rollup_rebuild.sql gives
-- each value): the key of the exact quantile (quantileExact's rank rule), which is the bucket LogHistogram.quantile
-- finds in a histogram of the same values, since the key grows with the value; the API reads it as the bucket's
-- representative (within 1 %).
-- Distinct sessions are counted by the SESSION_K facts (one per session, queue and rep at its first fact of kind K):
-- those whose detail names sessionLevel ('session' when not grouped or filtered by queue or rep, 'queue' by
-- queue, 'rep' by rep), so that a session counts once per range (per queue / rep), in the bucket of its first fact.
-- bucket = epoch seconds of the bucket start, cut in the zone of the request without naming it in SQL (so any
-- zone Java knows works, and the text never changes): the API passes the zone's UTC offsets in force over the range
-- (offsets[i] from transitions[i] on, transitions[1] = 0) and the same changes in local time (localTransitions[i] =
-- transitions[i] + offsets[i-1]). A bucket of bucketSeconds < 86400 starts at floor((t + offset(t)) / size) * size -
-- offset(t): a local hour stays a local hour, and the hour repeated when DST ends is two buckets. A day starts at the
-- local midnight of t, converted with the offset in force at that midnight: a Paris day is a Paris day (23 or 25
-- hours at DST changes). bucketSeconds 0 = the whole range (bucket 0).
-- Also the engine of analysts' reports: byQueue / byRep = 1 group by queue / rep as well (else '' for all), and
-- queueIds / repIds filter on lists (empty = all). Values only: the SQL text never changes with the request.
SELECT
    multiIf(
        {{bucketSeconds:Int64}} <= 0, toInt64(0),
        {{bucketSeconds:Int64}} < 86400,
        intDiv((toInt64(toUInt32(at)) AS ts)
               + (arrayElement({{offsets:Array(Int64)}}, arrayCount(x -> x <= ts, {{transitions:Array(Int64)}})) AS off),
               greatest({{bucketSeconds:Int64}}, 1)) * {{bucketSeconds:Int64}} - off,
        (intDiv(ts + off, 86400) * 86400 AS localMidnight)
            - arrayElement({{offsets:Array(Int64)}},
                           arrayCount(x -> x <= localMidnight, {{localTransitions:Array(Int64)}}))) AS bucket,
    if({{byQueue:UInt8}} = 1, queueId, '') AS queueKey,
    if({{byRep:UInt8}} = 1, repId, '') AS repKey,
    countIf(kind = 'STARTED') AS started,
    countIf(kind = 'QUEUED') AS queued,
    countIf(kind = 'ANSWERED') AS answered,
    countIf(kind = 'ANSWERED' AND flag = 1) AS answeredWithinSl,
    countIf(kind = 'ABANDONED') AS abandoned,
    countIf(kind = 'NOT_ROUTED') AS notRouted,
    countIf(kind = 'CASE_CREATED') AS casesCreated,
    countIf(kind = 'ENDED') AS ended,
    countIf(kind = 'INACTIVE') AS inactiveEvents,
    countIf(kind = 'INACTIVE' AND flag = 1) AS autoInactiveEvents,
    countIf(kind = 'REACTIVATED') AS reactivated,
    countIf(kind = 'ENDED_AFTER_INACTIVITY') AS endedAfterInactivity,
    countIf(kind = 'SESSION_ANSWERED' AND position(detail, {{sessionLevel:String}}) > 0) AS sessionsAnswered,
    countIf(kind = 'SESSION_JOINED' AND position(detail, {{sessionLevel:String}}) > 0) AS sessionsJoined,
    countIf(kind = 'SESSION_INACTIVE' AND position(detail, {{sessionLevel:String}}) > 0) AS sessionsInactive,
    countIf(kind = 'SESSION_REACTIVATED' AND position(detail, {{sessionLevel:String}}) > 0) AS sessionsReactivated,
    countIf(kind = 'ANSWERED' AND isNotNull(valueMs)) AS waitCount,
    sumIf(ifNull(valueMs, 0), kind = 'ANSWERED' AND isNotNull(valueMs)) AS waitSum,
    maxIf(ifNull(valueMs, 0), kind = 'ANSWERED' AND isNotNull(valueMs)) AS waitMax,
    if((arrayElement(quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'ANSWERED' AND isNotNull(valueMs))
                     AS waitQ, 1) AS waitP50) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(waitP50) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS waitP50Key,
    if((arrayElement(waitQ, 2) AS waitP90) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(waitP90) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS waitP90Key,
    countIf(kind = 'FIRST_RESPONSE' AND isNotNull(valueMs)) AS firstResponseCount,
    sumIf(ifNull(valueMs, 0), kind = 'FIRST_RESPONSE' AND isNotNull(valueMs)) AS firstResponseSum,
    maxIf(ifNull(valueMs, 0), kind = 'FIRST_RESPONSE' AND isNotNull(valueMs)) AS firstResponseMax,
    if((arrayElement(quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'FIRST_RESPONSE' AND isNotNull(valueMs))
                     AS firstResponseQ, 1) AS firstResponseP50) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(firstResponseP50) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS firstResponseP50Key,
    if((arrayElement(firstResponseQ, 2) AS firstResponseP90) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(firstResponseP90) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS firstResponseP90Key,
    countIf(kind = 'REP_RESPONSE' AND isNotNull(valueMs)) AS repResponseCount,
    sumIf(ifNull(valueMs, 0), kind = 'REP_RESPONSE' AND isNotNull(valueMs)) AS repResponseSum,
    maxIf(ifNull(valueMs, 0), kind = 'REP_RESPONSE' AND isNotNull(valueMs)) AS repResponseMax,
    if((arrayElement(quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'REP_RESPONSE' AND isNotNull(valueMs))
                     AS repResponseQ, 1) AS repResponseP50) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(repResponseP50) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS repResponseP50Key,
    if((arrayElement(repResponseQ, 2) AS repResponseP90) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(repResponseP90) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS repResponseP90Key,
    countIf(kind = 'HANDLE' AND isNotNull(valueMs)) AS handleCount,
    sumIf(ifNull(valueMs, 0), kind = 'HANDLE' AND isNotNull(valueMs)) AS handleSum,
    maxIf(ifNull(valueMs, 0), kind = 'HANDLE' AND isNotNull(valueMs)) AS handleMax,
    if((arrayElement(quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'HANDLE' AND isNotNull(valueMs))
                     AS handleQ, 1) AS handleP50) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(handleP50) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS handleP50Key,
    if((arrayElement(handleQ, 2) AS handleP90) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(handleP90) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS handleP90Key,
    countIf(kind = 'ACW' AND isNotNull(valueMs)) AS acwCount,
    sumIf(ifNull(valueMs, 0), kind = 'ACW' AND isNotNull(valueMs)) AS acwSum,
    maxIf(ifNull(valueMs, 0), kind = 'ACW' AND isNotNull(valueMs)) AS acwMax,
    if((arrayElement(quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'ACW' AND isNotNull(valueMs))
                     AS acwQ, 1) AS acwP50) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(acwP50) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS acwP50Key,
    if((arrayElement(acwQ, 2) AS acwP90) <= 0, toUInt16(0),
       toUInt16(1 + ceil(log(acwP90) / log((1 + 0.01) / (1 - 0.01)) - 1e-9))) AS acwP90Key
FROM kpi_facts FINAL
WHERE deleted = 0
  AND at >= {{from:DateTime}} AND at < {{to:DateTime}}
  AND (empty(CAST({{queueIds:Array(String)}} AS Array(String)))
       OR has(CAST({{queueIds:Array(String)}} AS Array(String)), queueId))
  AND (empty(CAST({{repIds:Array(String)}} AS Array(String)))
       OR has(CAST({{repIds:Array(String)}} AS Array(String)), repId))
GROUP BY bucket, queueKey, repKey
ORDER BY bucket, queueKey, repKey
