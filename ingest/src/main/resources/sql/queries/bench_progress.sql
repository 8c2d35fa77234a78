-- ./chatkpi bench: how far the jobs have got, polled every 250 ms while the pipeline benchmark runs. Both counts are
-- read from the parts' row counts, so polling costs ClickHouse next to nothing (its CPU is part of the measurement).
-- events = rows landed by the raw landing job (no duplicates are sent, so count() is exact).
SELECT
    (SELECT count() FROM session_events) AS events,
    (SELECT count() FROM kpi_facts) AS facts
