package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClickHouseExtension.class)
class SchemaTest {

    private static final String TABLES = "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name";

    @Test
    void theExtensionsDatabaseHasTheWholeSchema(ClickHouseTestDatabase db) {
        List<String> tables = db.client().queryJson(TABLES).stream().map(r -> r.get("name").asText()).toList();
        assertThat(tables).contains("schema_migrations", "session_events", "rejected_events", "sessions",
            "kpi_facts", "queue_ewt", "ewt_accuracy");
        List<Integer> all = SqlResources.schema().stream().map(SqlResources.Migration::version).toList();
        assertThat(Schema.appliedVersions(db.client(), db.database())).isEqualTo(all);
    }

    @Test
    void migratingAgainIsANoOpAndANewDatabaseGetsEverything(ClickHouseTestDatabase db) {
        assertThat(Schema.migrate(db.client(), db.database())).isEmpty();
        assertThat(db.client().queryLong("SELECT count() FROM schema_migrations"))
            .isEqualTo(SqlResources.schema().size());

        String other = "t_schema_" + UUID.randomUUID().toString().substring(0, 8);
        try {
            List<Integer> applied = Schema.migrate(db.client(), other);
            assertThat(applied).isEqualTo(SqlResources.schema().stream().map(SqlResources.Migration::version)
                .toList());
            assertThat(Schema.migrate(db.client(), other)).isEmpty();
        } finally {
            db.client().withDatabase(null).execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(other));
        }
    }

    @Test
    void anInterruptedMigrationIsCompletedOnTheNextRun(ClickHouseTestDatabase db) {
        String other = "t_partial_" + UUID.randomUUID().toString().substring(0, 8);
        List<SqlResources.Migration> all = SqlResources.schema();
        try {
            // as if the process died after 001 had created its tables but before 002
            Schema.migrate(db.client(), other, all.subList(0, 2));
            assertThat(Schema.appliedVersions(db.client(), other)).containsExactly(0, 1);
            assertThat(Schema.migrate(db.client(), other)).isEqualTo(
                all.subList(2, all.size()).stream().map(SqlResources.Migration::version).toList());
        } finally {
            db.client().withDatabase(null).execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(other));
        }
    }
}
