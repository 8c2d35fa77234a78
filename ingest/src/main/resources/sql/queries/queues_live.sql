-- Live state per queue from the newest version of every open session: waiting now, when the longest current wait
-- began (the session's latest QUEUED, else its start), active and inactive sessions, reps with an active session.
-- The subqueries carry aliases: current releases require them (joined_subquery_requires_alias).
SELECT
    queueId,
    countIf(status = 'WAITING') AS waiting,
    minIf(if(queuedAtMs = 0, startedAtMs, queuedAtMs), status = 'WAITING') AS oldestWaitingSinceMs,
    countIf(status = 'ACTIVE') AS active,
    countIf(status = 'INACTIVE') AS inactive,
    uniqExactIf(ifNull(repId, ''), status = 'ACTIVE' AND isNotNull(repId)) AS repsBusy
FROM
(
    SELECT sessionId, ifNull(queueId, '') AS queueId, repId, status, startedAtMs
    FROM sessions FINAL
    WHERE status IN ('WAITING', 'ACTIVE', 'INACTIVE')
) AS open_sessions
ANY LEFT JOIN
(
    SELECT sessionId, max(atMs) AS queuedAtMs
    FROM kpi_facts FINAL
    WHERE deleted = 0 AND kind = 'QUEUED'
      AND sessionId IN (SELECT sessionId FROM sessions FINAL WHERE status = 'WAITING')
    GROUP BY sessionId
) AS latest_queued USING sessionId
GROUP BY queueId
ORDER BY queueId
