package io.chatkpi.jobs.sink;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Batched ClickHouse sinks for any table: flink-connector-jdbc's Sink V2 with clickhouse-jdbc.
 *
 * <p>At-least-once: the writer flushes its batch on every checkpoint, and a restart re-sends what was not yet
 * checkpointed. Every chatkpi table is a ReplacingMergeTree keyed so that a re-sent row replaces its earlier copy,
 * which makes at-least-once delivery land as exactly-once rows (read with {@code FINAL}).
 */
public final class ClickHouseSinks {

    /** The maintained driver (com.clickhouse), never the deprecated ru.yandex one. */
    public static final String DRIVER = "com.clickhouse.jdbc.ClickHouseDriver";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ClickHouseSinks() {}

    public static <T> Sink<T> sink(ClickHouseSinkOptions options, ClickHouseTable<T> table) {
        JdbcExecutionOptions execution = JdbcExecutionOptions.builder()
                .withBatchSize(options.batchSize())
                .withBatchIntervalMs(options.batchIntervalMs())
                .withMaxRetries(options.maxRetries())
                .build();
        return JdbcSink.<T>builder()
                .withExecutionOptions(execution)
                .withQueryStatement(table.insertSql(options.database()), withoutEscapeProcessing(table.binder()))
                .buildAtLeastOnce(connection(options));
    }

    /**
     * clickhouse-jdbc 0.11 renders a batch as one {@code INSERT … VALUES (…), (…), …} text and, with JDBC escape
     * processing on (the default), scans that whole text for {@code {fn …}} / {@code {d …}} escapes before sending
     * it: about a third of a sink's CPU in a profile of {@code ./chatkpi bench}. Our statements contain no escapes,
     * and a bound string value must never be rewritten as one, so escape processing is turned off. The driver reads
     * the flag when the batch is executed, and the connector hands the binder the statement it executes.
     */
    static <T> JdbcStatementBuilder<T> withoutEscapeProcessing(JdbcStatementBuilder<T> binder) {
        return (ps, row) -> {
            ps.setEscapeProcessing(false);
            binder.accept(ps, row);
        };
    }

    static JdbcConnectionOptions connection(ClickHouseSinkOptions options) {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder b = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(options.jdbcUrl())
                .withDriverName(DRIVER)
                .withUsername(options.user())
                .withConnectionCheckTimeoutSeconds(30);
        if (!options.password().isEmpty()) {
            b.withPassword(options.password());
        }
        return b.build();
    }

    /** {@code INSERT INTO db.table (c1, c2) VALUES (?, ?)}; identifiers are checked, never quoted from input. */
    public static String insertSql(String database, String table, List<String> columns) {
        requireIdentifier(database, "database");
        requireIdentifier(table, "table");
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(database).append('.').append(table).append(" (");
        StringBuilder values = new StringBuilder(" VALUES (");
        for (int i = 0; i < columns.size(); i++) {
            requireIdentifier(columns.get(i), "column");
            if (i > 0) {
                sql.append(", ");
                values.append(", ");
            }
            sql.append(columns.get(i));
            values.append('?');
        }
        return sql.append(')').append(values).append(')').toString();
    }

    static String requireIdentifier(String name, String what) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got '" + name + "'");
        }
        return name;
    }
}
