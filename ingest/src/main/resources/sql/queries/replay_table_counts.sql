-- What the KPI tables hold after a replay into ClickHouse (each row counted once: the newest version).
SELECT
    (SELECT count() FROM sessions FINAL) AS sessions,
    (SELECT count() FROM queue_ewt FINAL) AS ewtChanges,
    (SELECT count() FROM ewt_accuracy FINAL) AS accuracyRows,
    (SELECT count() FROM rejected_events FINAL) AS rejected
