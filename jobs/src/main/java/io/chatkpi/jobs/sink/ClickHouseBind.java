package io.chatkpi.jobs.sink;

import java.sql.SQLException;
import java.sql.Types;

/**
 * How the chatkpi types become column values, the same on ClickHouse 18.16 and current releases.
 *
 * <p>DateTime goes as epoch seconds with {@code setLong}. Nullable columns get an explicit {@code setNull}, never a
 * sentinel value.
 */
public final class ClickHouseBind {

    private ClickHouseBind() {}

    /** A {@code DateTime('UTC')} column from epoch milliseconds (the sub-second part is dropped, as the column holds seconds). */
    public static void dateTime(ClickHouseRow ps, int index, long epochMillis) throws SQLException {
        ps.setLong(index, Math.floorDiv(epochMillis, 1000L));
    }

    /** A {@code Nullable(DateTime('UTC'))} column; null when {@code epochMillis} is null. */
    public static void nullableDateTime(ClickHouseRow ps, int index, Long epochMillis) throws SQLException {
        if (epochMillis == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            dateTime(ps, index, epochMillis);
        }
    }

    public static void nullableString(ClickHouseRow ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    /** A nullable string column holding an enum's name. */
    public static void nullableName(ClickHouseRow ps, int index, Enum<?> value) throws SQLException {
        nullableString(ps, index, value == null ? null : value.name());
    }

    public static void nullableLong(ClickHouseRow ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    public static void nullableDouble(ClickHouseRow ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    /** A {@code UInt8} flag column (0/1): ClickHouse 18.16 has no Bool type. */
    public static void flag(ClickHouseRow ps, int index, boolean value) throws SQLException {
        ps.setInt(index, value ? 1 : 0);
    }

    /** A {@code Nullable(UInt8)} flag column. */
    public static void nullableFlag(ClickHouseRow ps, int index, Boolean value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TINYINT);
        } else {
            flag(ps, index, value);
        }
    }
}
