-- The schema files applied to the current database.
SELECT version, name, checksum
FROM schema_migrations
ORDER BY version
