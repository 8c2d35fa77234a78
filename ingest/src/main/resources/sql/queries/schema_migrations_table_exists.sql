-- 1 if the database already has the migrations bookkeeping table, else 0.
SELECT count() AS present
FROM system.tables
WHERE database = {{database:String}} AND name = 'schema_migrations'
