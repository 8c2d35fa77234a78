package io.chatkpi.ingest.stack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the schema migrations ({@code sql/schema/NNN_name.sql}) in version order to one database and records each
 * in {@code schema_migrations} (created by migration 000), so running it again applies only what is new. The statements themselves are written
 * to be re-runnable ({@code IF NOT EXISTS}): a migration interrupted half-way is simply applied again.
 */
public final class Schema {

    public static final String MIGRATIONS_TABLE = "schema_migrations";
    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    private Schema() {
    }

    /**
     * Creates {@code database} if needed and applies the migrations it lacks.
     *
     * @param client any client of the server (its current database does not matter)
     * @return the versions applied by this call (empty when the database was up to date)
     */
    public static List<Integer> migrate(ClickHouseClient client, String database) {
        return migrate(client, database, SqlResources.schema());
    }

    static List<Integer> migrate(ClickHouseClient client, String database, List<SqlResources.Migration> migrations) {
        ClickHouseClient target = client.withDatabase(database);
        // The one statement not in a resource: a database name is an identifier, never a placeholder value.
        client.withDatabase(null).execute("CREATE DATABASE IF NOT EXISTS " + SqlLiteral.identifier(database));
        Map<Integer, String> applied = new HashMap<>();
        if (tableExists(target, database)) {
            target.query(SqlResources.load("queries/schema_migrations_applied.sql"),
                row -> applied.put(row.get("version").asInt(), row.get("checksum").asText()));
        }
        List<Integer> done = new ArrayList<>();
        for (SqlResources.Migration migration : migrations) {
            String checksum = migration.checksum();
            if (applied.containsKey(migration.version())) {
                if (!applied.get(migration.version()).equals(checksum)) {
                    // Never re-run an applied migration: a change to one needs a new, higher-numbered file.
                    LOG.warn("{} changed after it was applied to {}; put the change in a new migration",
                        migration.path(), database);
                }
                continue;
            }
            for (String statement : migration.statements()) {
                target.execute(statement);
            }
            target.execute(SqlTemplate.render(SqlResources.load("queries/schema_migrations_record.sql"), Map.of(
                "version", (long) migration.version(), "name", migration.name(), "checksum", checksum)));
            LOG.info("{}: applied {}", database, migration.path());
            done.add(migration.version());
        }
        return done;
    }

    private static boolean tableExists(ClickHouseClient client, String database) {
        return client.queryLong(SqlTemplate.render(SqlResources.load("queries/schema_migrations_table_exists.sql"),
            Map.of("database", database))) > 0;
    }

    /** The versions recorded in {@code schema_migrations} of {@code database}, ascending. */
    public static List<Integer> appliedVersions(ClickHouseClient client, String database) {
        List<Integer> versions = new ArrayList<>();
        client.withDatabase(database).query(SqlResources.load("queries/schema_migrations_applied.sql"),
            row -> versions.add(row.get("version").asInt()));
        return versions;
    }
}
