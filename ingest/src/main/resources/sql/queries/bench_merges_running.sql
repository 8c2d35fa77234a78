-- ./chatkpi bench: background merges running in the bench's database (the KPI phase waits for the merges of its own
-- bulk load to finish before it times requests).
SELECT count() AS merges FROM system.merges WHERE database = currentDatabase()
