-- A small, hand-checked day of chatkpi data (2026-03-02, UTC) for GrafanaDashboardsTest: every panel of
-- dashboards/grafana/dashboards/*.json must return rows over it, on ClickHouse 18.16 and on a current release.
-- It holds the traps an inexact query falls into: superseded versions (ReplacingMergeTree rows not yet merged), a
-- retracted fact (deleted = 1 at a higher version), a queue whose newest estimate is NULL, a redelivered event, a
-- fact outside the range.
-- Queues billing and tech; reps r1, r2, r3. Sessions s1..s5 are done or in progress in the morning; s6..s10 are the
-- open sessions of the live board.
INSERT INTO kpi_facts (factId, sessionId, kind, at, atMs, queueId, repId, valueMs, detail, flag, version, deleted) VALUES
('s0/ANSWERED/e0', 's0', 'ANSWERED', '2026-03-02 07:00:00', 1772434800000, 'billing', 'r1', 999000, '', 0, 3, 0),
('s1/STARTED/e1', 's1', 'STARTED', '2026-03-02 09:00:00', 1772442000000, 'billing', '', NULL, '', 0, 1, 0),
('s1/QUEUED/e2', 's1', 'QUEUED', '2026-03-02 09:00:00', 1772442000000, 'billing', '', NULL, '', 0, 2, 0),
('s1/ANSWERED/e3', 's1', 'ANSWERED', '2026-03-02 09:00:30', 1772442030000, 'billing', 'r1', 30000, '', 1, 3, 0),
('s1/JOINED/e3', 's1', 'JOINED', '2026-03-02 09:00:30', 1772442030000, 'billing', 'r1', NULL, '', 0, 3, 0),
('s1/FIRST_RESPONSE/e4', 's1', 'FIRST_RESPONSE', '2026-03-02 09:01:00', 1772442060000, 'billing', 'r1', 60000, '', 0, 4, 0),
('s1/REP_RESPONSE/e5', 's1', 'REP_RESPONSE', '2026-03-02 09:02:00', 1772442120000, 'billing', 'r1', 10000, '', 0, 5, 0),
('s1/REP_RESPONSE/e6', 's1', 'REP_RESPONSE', '2026-03-02 09:03:00', 1772442180000, 'billing', 'r1', 30000, '', 0, 6, 0),
('s1/ENDED/e7', 's1', 'ENDED', '2026-03-02 09:10:30', 1772442630000, 'billing', 'r1', NULL, 'END_USER', 0, 7, 0),
('s1/HANDLE/e7', 's1', 'HANDLE', '2026-03-02 09:10:30', 1772442630000, 'billing', 'r1', 600000, '', 0, 7, 0),
('s1/ACW/e8', 's1', 'ACW', '2026-03-02 09:11:30', 1772442690000, 'billing', 'r1', 60000, '', 0, 8, 0),
('s2/STARTED/e21', 's2', 'STARTED', '2026-03-02 09:20:00', 1772443200000, 'billing', '', NULL, '', 0, 1, 0),
('s2/QUEUED/e22', 's2', 'QUEUED', '2026-03-02 09:20:00', 1772443200000, 'billing', '', NULL, '', 0, 2, 0),
('s2/ANSWERED/e23', 's2', 'ANSWERED', '2026-03-02 09:21:30', 1772443290000, 'billing', 'r2', 10000, '', 1, 3, 0),
('s2/JOINED/e23', 's2', 'JOINED', '2026-03-02 09:21:30', 1772443290000, 'billing', 'r2', NULL, '', 0, 3, 0),
('s2/REP_RESPONSE/e24', 's2', 'REP_RESPONSE', '2026-03-02 09:23:00', 1772443380000, 'billing', 'r2', 50000, '', 0, 4, 0),
('s2/HANDLE/e25', 's2', 'HANDLE', '2026-03-02 09:26:30', 1772443590000, 'billing', 'r2', 300000, '', 0, 6, 0),
('s3/STARTED/e31', 's3', 'STARTED', '2026-03-02 09:30:00', 1772443800000, 'billing', '', NULL, '', 0, 1, 0),
('s3/QUEUED/e32', 's3', 'QUEUED', '2026-03-02 09:30:00', 1772443800000, 'billing', '', NULL, '', 0, 1, 0),
('s3/ANSWERED/e33', 's3', 'ANSWERED', '2026-03-02 09:31:00', 1772443860000, 'billing', 'r2', 60000, '', 1, 2, 0),
('s3/ABANDONED/e34', 's3', 'ABANDONED', '2026-03-02 09:31:45', 1772443905000, 'billing', '', 105000, '', 0, 5, 0),
('s3/ENDED/e34', 's3', 'ENDED', '2026-03-02 09:31:45', 1772443905000, 'billing', '', NULL, 'END_USER', 0, 5, 0),
('s4/STARTED/e41', 's4', 'STARTED', '2026-03-02 10:00:00', 1772445600000, 'tech', '', NULL, '', 0, 1, 0),
('s4/NOT_ROUTED/e42', 's4', 'NOT_ROUTED', '2026-03-02 10:00:00', 1772445600000, 'tech', '', NULL, 'OUTSIDE_BUSINESS_HOURS', 1, 2, 0),
('s4/CASE_CREATED/e42', 's4', 'CASE_CREATED', '2026-03-02 10:00:00', 1772445600000, 'tech', '', NULL, '', 0, 2, 0),
('s5/STARTED/e51', 's5', 'STARTED', '2026-03-02 10:30:00', 1772447400000, 'tech', '', NULL, '', 0, 1, 0),
('s5/QUEUED/e52', 's5', 'QUEUED', '2026-03-02 10:30:00', 1772447400000, 'tech', '', NULL, '', 0, 2, 0),
('s5/ANSWERED/e53', 's5', 'ANSWERED', '2026-03-02 10:32:00', 1772447520000, 'tech', 'r3', 120000, '', 0, 3, 0),
('s5/JOINED/e53', 's5', 'JOINED', '2026-03-02 10:32:00', 1772447520000, 'tech', 'r3', NULL, '', 0, 3, 0),
('s5/INACTIVE/e54', 's5', 'INACTIVE', '2026-03-02 10:40:00', 1772448000000, 'tech', 'r3', NULL, 'AUTO', 1, 4, 0),
('s5/HANDLE/e54', 's5', 'HANDLE', '2026-03-02 10:40:00', 1772448000000, 'tech', 'r3', 480000, '', 0, 4, 0),
('s5/QUEUED/e55', 's5', 'QUEUED', '2026-03-02 10:45:00', 1772448300000, 'tech', 'r3', NULL, '', 0, 5, 0),
('s5/REACTIVATED/e55', 's5', 'REACTIVATED', '2026-03-02 10:45:00', 1772448300000, 'tech', 'r3', NULL, '', 0, 5, 0),
('s6/QUEUED/e62', 's6', 'QUEUED', '2026-03-02 11:50:10', 1772452210000, 'billing', '', NULL, '', 0, 2, 0);

-- Later versions, in an insert of their own (a part of their own: only FINAL or a merge collapses them): s2's wait
-- was recomputed after a late event (90 s, outside the service level), s3's answer was retracted (s3 abandoned).
INSERT INTO kpi_facts (factId, sessionId, kind, at, atMs, queueId, repId, valueMs, detail, flag, version, deleted) VALUES
('s2/ANSWERED/e23', 's2', 'ANSWERED', '2026-03-02 09:21:30', 1772443290000, 'billing', 'r2', 90000, '', 0, 5, 0),
('s3/ANSWERED/e33', 's3', 'ANSWERED', '2026-03-02 09:31:00', 1772443860000, 'billing', 'r2', 60000, '', 1, 4, 1);

INSERT INTO sessions (sessionId, channel, queueId, repId, startedAt, startedAtMs, status, version) VALUES
('s6', 'WEB', 'billing', NULL, '2026-03-02 11:50:00', 1772452200000, 'STARTED', 1),
('s7', 'WEB', 'billing', NULL, '2026-03-02 11:40:00', 1772451600000, 'WAITING', 2),
('s9', 'WEB', 'billing', NULL, '2026-03-02 11:30:00', 1772451000000, 'WAITING', 2);

INSERT INTO sessions (sessionId, channel, queueId, repId, startedAt, startedAtMs, status, version) VALUES
('s6', 'WEB', 'billing', NULL, '2026-03-02 11:50:00', 1772452200000, 'WAITING', 2),
('s7', 'WEB', 'billing', 'r1', '2026-03-02 11:40:00', 1772451600000, 'ACTIVE', 3),
('s8', 'IN_APP', 'tech', 'r3', '2026-03-02 11:00:00', 1772449200000, 'INACTIVE', 5),
('s9', 'WEB', 'billing', 'r2', '2026-03-02 11:30:00', 1772451000000, 'ENDED', 4),
('s10', 'WEB', 'tech', NULL, '2026-03-02 11:55:00', 1772452500000, 'WAITING', 1);

INSERT INTO queue_ewt (queueId, asOf, asOfMs, estimatedWaitMs, meanWaitMs, p50WaitMs, p90WaitMs, sampleSize) VALUES
('billing', '2026-03-02 09:00:00', 1772442000000, 60000, 55000, 50000, 90000, 5),
('billing', '2026-03-02 11:00:00', 1772449200000, NULL, NULL, NULL, NULL, 2),
('tech', '2026-03-02 10:30:00', 1772447400000, 120000, 110000, 100000, 150000, 8);

INSERT INTO ewt_accuracy (queueId, sessionId, queuedAt, queuedAtMs, predictedMs, sampleSize, actualMs, abandoned, version) VALUES
('billing', 's1', '2026-03-02 09:00:00', 1772442000000, 60000, 5, NULL, 0, 0),
('billing', 's2', '2026-03-02 09:20:00', 1772443200000, 60000, 5, 90000, 0, 1),
('billing', 's3', '2026-03-02 09:30:00', 1772443800000, 60000, 5, 105000, 1, 1),
('tech', 's5', '2026-03-02 10:30:00', 1772447400000, NULL, 0, 120000, 0, 1);

INSERT INTO ewt_accuracy (queueId, sessionId, queuedAt, queuedAtMs, predictedMs, sampleSize, actualMs, abandoned, version) VALUES
('billing', 's1', '2026-03-02 09:00:00', 1772442000000, 60000, 5, 30000, 0, 1);

INSERT INTO session_events (eventId, sessionId, type, ts, tsMs, channel, queueId, ingestedAt, sourcePartition, sourceOffset) VALUES
('e1', 's1', 'SESSION_STARTED', '2026-03-02 09:00:00', 1772442000000, 'WEB', NULL, '2026-03-02 09:00:01', 0, 10),
('e2', 's1', 'QUEUED', '2026-03-02 09:00:00', 1772442000000, NULL, 'billing', '2026-03-02 09:00:01', 0, 11),
('e1', 's1', 'SESSION_STARTED', '2026-03-02 09:00:00', 1772442000000, 'WEB', NULL, '2026-03-02 09:00:05', 0, 10),
('e41', 's4', 'SESSION_STARTED', '2026-03-02 10:00:00', 1772445600000, 'IN_APP', NULL, '2026-03-02 10:00:01', 1, 7);

INSERT INTO rejected_events (rejectId, raw, reason, source, ingestedAt) VALUES
('kafka:session-events:0:12', '{"eventId":"x"}', 'sessionId: missing', 'session-events', '2026-03-02 09:05:00'),
('kafka:session-events:0:12', '{"eventId":"x"}', 'sessionId: missing', 'session-events', '2026-03-02 09:05:00');
