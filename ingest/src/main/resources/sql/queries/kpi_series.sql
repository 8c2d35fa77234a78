-- KPI measures of kpi_facts per time bucket, or over the whole range when granularity = 'total' (bucket 0).
-- Exact over any range: counts, sums and maxima of raw facts, percentiles with quantilesExact over the raw rows;
-- the API divides sums by counts (never averages averages).
-- bucket = epoch seconds of the bucket start. Hours and days are the zone's own (toStartOfHour/Day with the zone
-- as a literal: a Paris day is a Paris day, 23 or 25 hours at DST changes); 1m/5m/15m buckets start at the same
-- instants in every zone whose UTC offset is a multiple of 15 minutes, so they are cut in UTC.
-- Each branch is cast to UInt32 so that multiIf sees one type whatever the zone.
-- Also the engine of analysts' reports: byQueue / byRep = 1 group by queue / rep as well (else '' for all), and
-- queueIds / repIds filter on lists (empty = all). Values only: the SQL text never changes with the request.
SELECT
    multiIf(
        {{granularity:String}} = '1m', toUInt32(toStartOfMinute(at)),
        {{granularity:String}} = '5m', toUInt32(toStartOfFiveMinute(at)),
        {{granularity:String}} = '15m', toUInt32(toStartOfFifteenMinutes(at)),
        {{granularity:String}} = '1h', toUInt32(toStartOfHour(at, {{tz:String}})),
        {{granularity:String}} = '1d', toUInt32(toStartOfDay(at, {{tz:String}})),
        toUInt32(0)) AS bucket,
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
    uniqExactIf(sessionId, kind = 'ANSWERED') AS sessionsAnswered,
    uniqExactIf(sessionId, kind = 'INACTIVE') AS sessionsInactive,
    uniqExactIf(sessionId, kind = 'REACTIVATED') AS sessionsReactivated,
    countIf(kind = 'ANSWERED' AND isNotNull(valueMs)) AS waitCount,
    sumIf(ifNull(valueMs, 0), kind = 'ANSWERED' AND isNotNull(valueMs)) AS waitSum,
    maxIf(ifNull(valueMs, 0), kind = 'ANSWERED' AND isNotNull(valueMs)) AS waitMax,
    quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'ANSWERED' AND isNotNull(valueMs)) AS waitQ,
    countIf(kind = 'FIRST_RESPONSE' AND isNotNull(valueMs)) AS firstResponseCount,
    sumIf(ifNull(valueMs, 0), kind = 'FIRST_RESPONSE' AND isNotNull(valueMs)) AS firstResponseSum,
    maxIf(ifNull(valueMs, 0), kind = 'FIRST_RESPONSE' AND isNotNull(valueMs)) AS firstResponseMax,
    quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'FIRST_RESPONSE' AND isNotNull(valueMs)) AS firstResponseQ,
    countIf(kind = 'REP_RESPONSE' AND isNotNull(valueMs)) AS repResponseCount,
    sumIf(ifNull(valueMs, 0), kind = 'REP_RESPONSE' AND isNotNull(valueMs)) AS repResponseSum,
    maxIf(ifNull(valueMs, 0), kind = 'REP_RESPONSE' AND isNotNull(valueMs)) AS repResponseMax,
    quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'REP_RESPONSE' AND isNotNull(valueMs)) AS repResponseQ,
    countIf(kind = 'HANDLE' AND isNotNull(valueMs)) AS handleCount,
    sumIf(ifNull(valueMs, 0), kind = 'HANDLE' AND isNotNull(valueMs)) AS handleSum,
    maxIf(ifNull(valueMs, 0), kind = 'HANDLE' AND isNotNull(valueMs)) AS handleMax,
    quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'HANDLE' AND isNotNull(valueMs)) AS handleQ,
    countIf(kind = 'ACW' AND isNotNull(valueMs)) AS acwCount,
    sumIf(ifNull(valueMs, 0), kind = 'ACW' AND isNotNull(valueMs)) AS acwSum,
    maxIf(ifNull(valueMs, 0), kind = 'ACW' AND isNotNull(valueMs)) AS acwMax,
    quantilesExactIf(0.5, 0.9)(ifNull(valueMs, 0), kind = 'ACW' AND isNotNull(valueMs)) AS acwQ
FROM kpi_facts FINAL
WHERE deleted = 0
  AND at >= {{from:DateTime}} AND at < {{to:DateTime}}
  AND (empty(CAST({{queueIds:Array(String)}} AS Array(String)))
       OR has(CAST({{queueIds:Array(String)}} AS Array(String)), queueId))
  AND (empty(CAST({{repIds:Array(String)}} AS Array(String)))
       OR has(CAST({{repIds:Array(String)}} AS Array(String)), repId))
GROUP BY bucket, queueKey, repKey
ORDER BY bucket, queueKey, repKey
