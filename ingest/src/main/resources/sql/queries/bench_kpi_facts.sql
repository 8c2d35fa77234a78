-- ./chatkpi bench: the kpi_facts rows of the sessions bench_kpi_sessions.sql generates (same hashes, same times):
-- per answered session STARTED, QUEUED, ANSWERED, JOINED, FIRST_RESPONSE, two REP_RESPONSE, HANDLE, ENDED, ACW, and
-- the distinct-session facts the KPI job derives from its one answer and one join (SESSION_ANSWERED, SESSION_JOINED:
-- at the same time, queue and rep, detail 'session,queue,rep', factId naming the answer's / join's event);
-- per abandoned one (8 %) STARTED, QUEUED, ABANDONED and ENDED. 12 candidate rows per session; one call covers
-- sessions firstSession .. firstSession + sessions - 1.
INSERT INTO kpi_facts (factId, sessionId, kind, at, atMs, queueId, repId, valueMs, detail, flag, version, deleted)
SELECT
    concat(sessionId, '/', kind, '/', toString(multiIf(k = 10, 2, k = 11, 3, k))),
    sessionId,
    kind,
    toDateTime(intDiv(atMs, 1000), 'UTC'),
    atMs,
    queue,
    if(k < 2, '', rep),
    CAST(multiIf(k = 2, toInt64(waited), k = 4, toInt64(firstResponse), k IN (5, 6), toInt64(replyMs),
                 k = 7, toInt64(handle), k = 9, toInt64(acw), NULL) AS Nullable(Int64)),
    multiIf(k = 8, endedBy, k >= 10, 'session,queue,rep', ''),
    toUInt8(k = 2 AND waited <= 60000),
    toUInt64(1),
    toUInt8(0)
FROM
(
    SELECT
        intDiv(number, 12) + {{firstSession:UInt64}} AS s,
        number % 12 AS k,
        concat('bench-', toString(s)) AS sessionId,
        intHash64(s) AS h,
        toUInt8((h % 100) < 8) AS abandonedFlag,
        arrayElement(['billing', 'tech', 'general', 'sales', 'returns'], (intDiv(h, 7) % 5) + 1) AS queue,
        concat(queue, '-rep-', toString(intDiv(h, 16) % 40)) AS rep,
        if(abandonedFlag = 1, 'END_USER', arrayElement(['END_USER', 'REP', 'SYSTEM'], (intDiv(h, 64) % 3) + 1)) AS endedBy,
        toUInt64(toUInt32({{from:DateTime}})) * 1000
            + intDiv(s * {{spanSeconds:UInt64}} * 1000, {{totalSessions:UInt64}}) AS startMs,
        toUInt64(intDiv(h, 256) % 180000) AS waited,
        toUInt64(2000 + intDiv(h, 1048576) % 30000) AS firstResponse,
        toUInt64(3000 + intDiv(h, 4096) % 40000) AS replyMs,
        toUInt64(120000 + intDiv(h, 268435456) % 900000) AS handle,
        toUInt64(10000 + intDiv(h, 1099511627776) % 120000) AS acw,
        startMs + 2000 AS queuedMs,
        queuedMs + waited AS joinedMs,
        multiIf(k = 0, 'STARTED', k = 1, 'QUEUED', k = 2, if(abandonedFlag = 1, 'ABANDONED', 'ANSWERED'),
                k = 3, 'JOINED', k = 4, 'FIRST_RESPONSE', k IN (5, 6), 'REP_RESPONSE', k = 7, 'HANDLE',
                k = 8, 'ENDED', k = 9, 'ACW', k = 10, 'SESSION_ANSWERED', 'SESSION_JOINED') AS kind,
        multiIf(k = 0, startMs, k = 1, queuedMs, k IN (2, 3, 10, 11), joinedMs, k = 4, joinedMs + firstResponse,
                k = 5, joinedMs + firstResponse + replyMs, k = 6, joinedMs + firstResponse + 2 * replyMs,
                k IN (7, 8), if(abandonedFlag = 1, joinedMs, joinedMs + handle),
                k = 9, joinedMs + handle + acw, joinedMs) AS atMs
    FROM numbers({{sessions:UInt64}} * 12)
)
WHERE abandonedFlag = 0 OR k IN (0, 1, 2, 8)
