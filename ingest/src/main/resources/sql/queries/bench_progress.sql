-- ./chatkpi bench: how far the jobs have got, polled while the pipeline benchmark runs. events = rows landed by the
-- raw landing job (no duplicates are sent, so count() is exact), sessions = distinct sessions the KPI job wrote.
SELECT
    (SELECT count() FROM session_events) AS events,
    (SELECT uniqExact(sessionId) FROM sessions) AS sessions,
    (SELECT count() FROM kpi_facts) AS facts
