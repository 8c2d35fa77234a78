-- ./chatkpi bench: distinct sessions the KPI job wrote (sessions keeps a row per version until merges collapse them).
-- It reads every sessionId, so the pipeline benchmark asks only every 2 s, and every 250 ms once every event is in.
SELECT uniqExact(sessionId) AS sessions FROM sessions
