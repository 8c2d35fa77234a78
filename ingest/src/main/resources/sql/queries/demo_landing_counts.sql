-- The demo's live counter: distinct valid events landed, rejected records kept (each counted once), and sessions
-- written by the KPI job (one row per session, its latest version).
SELECT
    (SELECT count() FROM session_events FINAL) AS events,
    (SELECT count() FROM rejected_events FINAL) AS rejected,
    (SELECT count() FROM sessions FINAL) AS sessions
