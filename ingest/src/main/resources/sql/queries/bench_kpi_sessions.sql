-- ./chatkpi bench: synthetic but plausible rows of the sessions table, spread evenly over
-- [from, from + spanSeconds) among totalSessions, generated server-side (nothing crosses the network) from a hash of
-- the session number; one call inserts sessions numbered firstSession .. firstSession + sessions - 1.
-- Shares: 70 % web, 8 % abandoned in the queue, waits up to 3 min, handle times 2-17 min, 5 queues of 40 reps.
-- bench_kpi_facts.sql derives the facts of the same sessions from the same hashes.
INSERT INTO sessions (sessionId, channel, topic, queueId, repId, startedAt, startedAtMs, endedAt, endedAtMs, endedBy,
                      status, waitMs, queueWaits, firstResponseMs, repReplies, repResponseSumMs, repAvgResponseMs,
                      repMaxResponseMs, handleMs, acwMs, inactiveCount, autoInactiveCount, reactivated,
                      endedAfterInactivity, abandoned, notRoutedReason, caseCreated, endUserMessages, repMessages,
                      version)
SELECT
    concat('bench-', toString(n)),
    CAST(if(h % 10 < 7, 'WEB', 'IN_APP') AS Nullable(String)),
    CAST(arrayElement(['billing', 'delivery', 'account', 'other'], (h % 4) + 1) AS Nullable(String)),
    CAST(queue AS Nullable(String)),
    CAST(if(abandonedFlag = 1, '', concat(queue, '-rep-', toString(intDiv(h, 16) % 40))) AS Nullable(String)),
    toDateTime(intDiv(startMs, 1000), 'UTC'),
    startMs,
    CAST(toDateTime(intDiv(endMs, 1000), 'UTC') AS Nullable(DateTime('UTC'))),
    CAST(endMs AS Nullable(UInt64)),
    CAST(if(abandonedFlag = 1, 'END_USER', arrayElement(['END_USER', 'REP', 'SYSTEM'], (intDiv(h, 64) % 3) + 1)) AS Nullable(String)),
    'ACW_COMPLETED',
    waited,
    toUInt32(1),
    CAST(2000 + intDiv(h, 1048576) % 30000 AS Nullable(UInt64)),
    toUInt32(2 * (1 - abandonedFlag)),
    toUInt64(2 * replyMs * (1 - abandonedFlag)),
    CAST(toFloat64(replyMs) AS Nullable(Float64)),
    CAST(replyMs AS Nullable(UInt64)),
    handle,
    CAST(10000 + intDiv(h, 1099511627776) % 120000 AS Nullable(UInt64)),
    toUInt32(0),
    toUInt32(0),
    toUInt8(0),
    toUInt8(0),
    abandonedFlag,
    CAST(NULL AS Nullable(String)),
    toUInt8(0),
    toUInt32(5 - 4 * abandonedFlag),
    toUInt32(4 * (1 - abandonedFlag)),
    toUInt64(1)
FROM
(
    SELECT
        number + {{firstSession:UInt64}} AS n,
        intHash64(n) AS h,
        toUInt8((h % 100) < 8) AS abandonedFlag,
        arrayElement(['billing', 'tech', 'general', 'sales', 'returns'], (intDiv(h, 7) % 5) + 1) AS queue,
        toUInt64(toUInt32({{from:DateTime}})) * 1000
            + intDiv(n * {{spanSeconds:UInt64}} * 1000, {{totalSessions:UInt64}}) AS startMs,
        toUInt64(intDiv(h, 256) % 180000) AS waited,
        toUInt64(3000 + intDiv(h, 4096) % 40000) AS replyMs,
        toUInt64((120000 + intDiv(h, 268435456) % 900000) * (1 - abandonedFlag)) AS handle,
        startMs + 2000 + waited + handle AS endMs
    FROM numbers({{sessions:UInt64}})
)
