package io.chatkpi.jobs.sink;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Batched ClickHouse sinks for any table: RowBinary inserts through client-v2 ({@link ClickHouseRowBinarySink}).
 *
 * <p>At-least-once: the writer flushes its batch on every checkpoint, and a restart re-sends what was not yet
 * checkpointed. Every chatkpi table is a ReplacingMergeTree keyed so that a re-sent row replaces its earlier copy,
 * which makes at-least-once delivery land as exactly-once rows (read with {@code FINAL}).
 *
 * <p>Why not clickhouse-jdbc: it renders a batch as one {@code INSERT … VALUES (…), (…)} text, and formatting and
 * escaping every value was a quarter of the pipeline's CPU and a third of its allocation in a profile of
 * {@code ./chatkpi bench}. Its RowBinary writer ({@code beta.row_binary_for_simple_insert}) reads the table's
 * schema in a way ClickHouse 18.16 does not answer (it gets no columns and fails on the first value).
 */
public final class ClickHouseSinks {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ClickHouseSinks() {}

    public static <T> Sink<T> sink(ClickHouseSinkOptions options, ClickHouseTable<T> table) {
        return new ClickHouseRowBinarySink<>(options, table);
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
