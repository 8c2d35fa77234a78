package io.chatkpi.jobs.sink;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.sql.SQLException;

/**
 * How a stream's elements become rows of one ClickHouse table: the table, its columns in insert order, and the
 * binder that sets one value per column (use {@link ClickHouseBind} for DateTime and nullable columns).
 *
 * @param name    table name (an identifier, checked)
 * @param columns the columns the binder sets, in parameter order
 * @param binder  sets parameters {@code 1..columns.size()} from one element
 */
public record ClickHouseTable<T>(String name, List<String> columns, Binder<T> binder) implements Serializable {

    /** Sets the values of one element's row. */
    @FunctionalInterface
    public interface Binder<T> extends Serializable {
        void bind(ClickHouseRow row, T element) throws SQLException;
    }

    public ClickHouseTable {
        ClickHouseSinks.requireIdentifier(name, "table");
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + name + ": no columns");
        }
        columns.forEach(c -> ClickHouseSinks.requireIdentifier(c, "column of " + name));
        Objects.requireNonNull(binder, "binder");
    }
}
