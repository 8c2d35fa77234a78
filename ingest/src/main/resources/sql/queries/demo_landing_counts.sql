-- The demo's live counter: distinct valid events landed, and rejected records kept (each counted once).
SELECT
    (SELECT count() FROM session_events FINAL) AS events,
    (SELECT count() FROM rejected_events FINAL) AS rejected
