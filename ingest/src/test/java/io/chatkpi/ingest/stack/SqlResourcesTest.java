package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlResourcesTest {

    @Test
    void splitsStatementsOnSemicolonsAtLineEndAndDropsCommentLines() {
        String sql = """
            -- header; with a semicolon;
            CREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory;
              -- indented comment
            CREATE TABLE b
            (
                y UInt8
            ) ENGINE = Memory;\t
            SELECT 1
            """;
        assertThat(SqlResources.statements(sql)).containsExactly(
            "CREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory",
            "CREATE TABLE b\n(\n    y UInt8\n) ENGINE = Memory",
            "SELECT 1");
        assertThat(SqlResources.statements("-- only a comment\n\n")).isEmpty();
    }

    @Test
    void schemaMigrationsAreInVersionOrder() {
        List<SqlResources.Migration> schema = SqlResources.schema();
        assertThat(schema).extracting(SqlResources.Migration::path)
            .startsWith("schema/000_schema_migrations.sql", "schema/001_raw_events.sql", "schema/002_kpi_tables.sql");
        assertThat(schema.get(1).statements()).anySatisfy(s -> assertThat(s)
            .startsWith("CREATE TABLE IF NOT EXISTS session_events"));
        assertThat(schema.get(1).checksum()).hasSize(64);
    }

    @Test
    void loadsAndListsQueries() {
        assertThat(SqlResources.list("queries")).contains("queries/schema_migrations_applied.sql");
        assertThat(SqlResources.load("queries/schema_migrations_applied.sql")).contains("FROM schema_migrations");
        assertThatThrownBy(() -> SqlResources.load("queries/nope.sql")).hasMessageContaining("sql/queries/nope.sql");
    }

    @Test
    void listsFromAJarToo(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("sql.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("sql/", "sql/queries/", "sql/queries/in_jar.sql", "sql/queries/deeper/x.sql",
                "sql/queries/readme.txt")) {
                out.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) {
                    out.write("SELECT 1".getBytes());
                }
                out.closeEntry();
            }
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Thread.currentThread().setContextClassLoader(loader);
            assertThat(SqlResources.list("queries")).containsExactly("queries/in_jar.sql");
            assertThat(SqlResources.load("queries/in_jar.sql")).isEqualTo("SELECT 1");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
