-- Session rows for drill-down, newest version of each (FINAL), in (startedAtMs, sessionId) order after a cursor.
-- Filters: '' = any queue/rep/status; abandoned -1 = any. The cursor is the last row's (startedAtMs, sessionId);
-- the first page passes (0, '').
SELECT
    sessionId, channel, topic, queueId, repId, startedAtMs, endedAtMs, endedBy, status, waitMs, queueWaits,
    firstResponseMs, repReplies, repAvgResponseMs, repMaxResponseMs, handleMs, acwMs, inactiveCount,
    autoInactiveCount, reactivated, endedAfterInactivity, abandoned, notRoutedReason, caseCreated,
    endUserMessages, repMessages
FROM sessions FINAL
WHERE startedAt >= {{from:DateTime}} AND startedAt < {{to:DateTime}}
  AND ({{queueId:String}} = '' OR queueId = {{queueId:String}})
  AND ({{repId:String}} = '' OR repId = {{repId:String}})
  AND ({{status:String}} = '' OR status = {{status:String}})
  AND ({{abandoned:Int8}} < 0 OR abandoned = {{abandoned:Int8}})
  AND (startedAtMs > {{afterStartedAtMs:UInt64}}
       OR (startedAtMs = {{afterStartedAtMs:UInt64}} AND sessionId > {{afterSessionId:String}}))
ORDER BY startedAtMs, sessionId
LIMIT {{limit:UInt64}}
