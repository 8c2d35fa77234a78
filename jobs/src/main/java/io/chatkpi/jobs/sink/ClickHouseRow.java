package io.chatkpi.jobs.sink;

import java.sql.SQLException;

/**
 * One row being written to a ClickHouse table, as a table's binder sees it: one value per column, by 1-based
 * position in {@link ClickHouseTable#columns()}. The names and meanings are those of JDBC's
 * {@code PreparedStatement} setters; use {@link ClickHouseBind} for DateTime and nullable columns.
 */
public interface ClickHouseRow {

    void setString(int index, String value) throws SQLException;

    void setLong(int index, long value) throws SQLException;

    void setInt(int index, int value) throws SQLException;

    void setDouble(int index, double value) throws SQLException;

    /** @param sqlType a {@link java.sql.Types} constant, unused: the column's own type decides */
    void setNull(int index, int sqlType) throws SQLException;

    /** An Array of integers (Array(UInt16), Array(Int64), ...): the column's element type decides the width. */
    void setLongs(int index, long[] values) throws SQLException;

    /** An Array of integers given as int[]. */
    default void setInts(int index, int[] values) throws SQLException {
        long[] widened = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            widened[i] = values[i];
        }
        setLongs(index, widened);
    }
}
