package io.chatkpi.testing;

import io.chatkpi.ingest.stack.ClickHouseClient;

/**
 * The fresh, migrated database that {@link ClickHouseExtension} gives a test class.
 *
 * @param url the server's HTTP URL, e.g. {@code http://127.0.0.1:41234}
 * @param database the database's name (unique per test class)
 * @param client a client whose current database is {@code database}
 */
public record ClickHouseTestDatabase(String url, String database, ClickHouseClient client) {

    /** A clickhouse-jdbc URL of this database (for batched inserts). */
    public String jdbcUrl() {
        return "jdbc:clickhouse:" + url + "/" + database;
    }
}
