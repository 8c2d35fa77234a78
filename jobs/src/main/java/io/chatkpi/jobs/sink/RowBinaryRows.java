package io.chatkpi.jobs.sink;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows of one table encoded in ClickHouse's RowBinary format, one after the other in a growing buffer: each value
 * in its column's binary form (little-endian integers, LEB128-prefixed UTF-8 strings, DateTime as UInt32 seconds, a
 * null flag byte before a Nullable value). RowBinary is read by ClickHouse 18.16 and by current releases alike, and
 * costs a fraction of the text of an {@code INSERT … VALUES} (no formatting of numbers, no escaping of strings).
 *
 * <p>Not thread-safe: one per sink writer.
 */
final class RowBinaryRows implements ClickHouseRow {

    /** The column types this encoder writes; anything else is refused when the sink opens. */
    enum Kind {
        STRING(0), UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), UINT64(8), INT64(8), FLOAT32(4),
        FLOAT64(8), DATETIME(4);

        final int width;

        Kind(int width) {
            this.width = width;
        }
    }

    /** One column: its kind and whether it is Nullable; for an Array of integers, array and the elements' kind. */
    record Column(String name, Kind kind, boolean nullable, boolean array) {
        Column(String name, Kind kind, boolean nullable) {
            this(name, kind, nullable, false);
        }
    }

    private static final Pattern NULLABLE = Pattern.compile("Nullable\\((.+)\\)");
    private static final Pattern ARRAY = Pattern.compile("Array\\((.+)\\)");
    private static final Pattern DATETIME = Pattern.compile("DateTime(\\('[^']*'\\))?");
    private static final Object NULL = new Object();

    private final String table;
    private final Column[] columns;
    private final Object[] values;
    private byte[] buffer = new byte[1 << 16];
    private int size;
    private int rows;

    /**
     * @param columns the columns in the order the binder sets them
     * @param types   every column of the table and its ClickHouse type (as {@code system.columns} gives it)
     */
    RowBinaryRows(String table, List<String> columns, Map<String, String> types) {
        this.table = table;
        this.columns = new Column[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i);
            String type = types.get(name);
            if (type == null) {
                throw new IllegalArgumentException("table " + table + " has no column " + name + " (it has " + types.keySet() + ")");
            }
            this.columns[i] = column(table, name, type);
        }
        this.values = new Object[columns.size()];
    }

    static Column column(String table, String name, String type) {
        Matcher array = ARRAY.matcher(type.trim());
        if (array.matches()) {
            Column element = column(table, name, array.group(1));
            if (element.nullable() || element.array() || element.kind() == Kind.STRING
                    || element.kind() == Kind.FLOAT32 || element.kind() == Kind.FLOAT64
                    || element.kind() == Kind.DATETIME) {
                throw new IllegalArgumentException(table + "." + name + ": column type " + type
                        + " is not one the RowBinary sink writes (arrays of non-Nullable integers only)");
            }
            return new Column(name, element.kind(), false, true);
        }
        String t = type.trim();
        boolean nullable = false;
        Matcher m = NULLABLE.matcher(t);
        if (m.matches()) {
            nullable = true;
            t = m.group(1).trim();
        }
        Kind kind;
        if (DATETIME.matcher(t).matches()) {
            kind = Kind.DATETIME;
        } else {
            try {
                kind = Kind.valueOf(t.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(table + "." + name + ": column type " + type
                        + " is not one the RowBinary sink writes (" + Arrays.toString(Kind.values()) + ")");
            }
        }
        return new Column(name, kind, nullable);
    }

    @Override
    public void setString(int index, String value) throws SQLException {
        if (value == null) {
            setNull(index, java.sql.Types.VARCHAR);
            return;
        }
        Column c = column(index);
        if (c.kind() != Kind.STRING) {
            throw new SQLException(table + "." + c.name() + " is " + c.kind() + ", not a String column");
        }
        values[index - 1] = value;
    }

    @Override
    public void setLong(int index, long value) throws SQLException {
        Column c = column(index);
        if (c.array() || c.kind() == Kind.STRING || c.kind() == Kind.FLOAT32 || c.kind() == Kind.FLOAT64) {
            throw new SQLException(table + "." + c.name() + " is " + (c.array() ? "an Array" : c.kind())
                    + ", not an integer column");
        }
        values[index - 1] = value;
    }

    @Override
    public void setInt(int index, int value) throws SQLException {
        setLong(index, value);
    }

    @Override
    public void setDouble(int index, double value) throws SQLException {
        Column c = column(index);
        if (c.kind() != Kind.FLOAT32 && c.kind() != Kind.FLOAT64) {
            throw new SQLException(table + "." + c.name() + " is " + c.kind() + ", not a Float column");
        }
        values[index - 1] = value;
    }

    @Override
    public void setLongs(int index, long[] array) throws SQLException {
        Column c = column(index);
        if (!c.array()) {
            throw new SQLException(table + "." + c.name() + " is not an Array column");
        }
        values[index - 1] = array.clone();
    }

    @Override
    public void setNull(int index, int sqlType) throws SQLException {
        Column c = column(index);
        if (!c.nullable()) {
            throw new SQLException(table + "." + c.name() + " is not Nullable");
        }
        values[index - 1] = NULL;
    }

    private Column column(int index) throws SQLException {
        if (index < 1 || index > columns.length) {
            throw new SQLException(table + ": no parameter " + index + " (" + columns.length + " columns)");
        }
        return columns[index - 1];
    }

    /** Appends the row whose values were set since the last call; every column must have one. */
    void endRow() throws SQLException {
        for (int i = 0; i < columns.length; i++) {
            if (values[i] == null) {
                throw new SQLException(table + "." + columns[i].name() + " was not set");
            }
        }
        for (int i = 0; i < columns.length; i++) {
            Column c = columns[i];
            Object v = values[i];
            values[i] = null;
            if (c.nullable()) {
                if (v == NULL) {
                    writeByte(1);
                    continue;
                }
                writeByte(0);
            }
            if (c.array()) {
                long[] elements = (long[]) v;
                writeLength(elements.length);
                for (long e : elements) {
                    writeLittleEndian(e, c.kind().width);
                }
                continue;
            }
            switch (c.kind()) {
                case STRING -> writeString((String) v);
                case FLOAT32 -> writeLittleEndian(Float.floatToRawIntBits(((Double) v).floatValue()), 4);
                case FLOAT64 -> writeLittleEndian(Double.doubleToRawLongBits((Double) v), 8);
                default -> writeLittleEndian((Long) v, c.kind().width);
            }
        }
        rows++;
    }

    /** Rows appended since the last {@link #clear}. */
    int rows() {
        return rows;
    }

    byte[] buffer() {
        return buffer;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
        rows = 0;
        Arrays.fill(values, null);
    }

    private void writeByte(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    private void writeLittleEndian(long v, int width) {
        ensure(width);
        for (int i = 0; i < width; i++) {
            buffer[size++] = (byte) (v >>> (8 * i));
        }
    }

    private void writeString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeLength(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    /** LEB128, as RowBinary prefixes strings and arrays. */
    private void writeLength(long n) {
        ensure(10);
        do {
            byte b = (byte) (n & 0x7F);
            n >>>= 7;
            buffer[size++] = n != 0 ? (byte) (b | 0x80) : b;
        } while (n != 0);
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
