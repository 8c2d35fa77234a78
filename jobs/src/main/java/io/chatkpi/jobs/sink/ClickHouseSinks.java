package io.chatkpi.jobs.sink;

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

    static String requireIdentifier(String name, String what) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got '" + name + "'");
        }
        return name;
    }
}
