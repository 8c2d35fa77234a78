-- Bookkeeping of the migrations themselves: one row per applied schema file (io.chatkpi.ingest.stack.Schema).
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version   UInt32,
    name      String,
    checksum  String,
    appliedAt DateTime('UTC')
)
ENGINE = MergeTree()
ORDER BY version;
