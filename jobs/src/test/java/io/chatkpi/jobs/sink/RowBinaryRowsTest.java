package io.chatkpi.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RowBinary encoding, byte for byte; what ClickHouse makes of it is ClickHouseSinkTest's and the e2e tests'. */
class RowBinaryRowsTest {

    private static final Map<String, String> TYPES = Map.of(
            "id", "String", "at", "DateTime('UTC')", "n", "UInt32", "big", "Nullable(UInt64)", "avg",
            "Nullable(Float64)", "flag", "UInt8", "note", "Nullable(String)");

    @Test
    void encodesEachColumnInItsBinaryForm() throws SQLException {
        RowBinaryRows rows = new RowBinaryRows("t", List.of("id", "at", "n", "big", "avg", "flag", "note"), TYPES);
        rows.setString(1, "é");
        rows.setLong(2, 0x01020304L);
        rows.setInt(3, 300);
        rows.setNull(4, Types.BIGINT);
        rows.setDouble(5, 1.5);
        rows.setInt(6, 1);
        rows.setString(7, "x".repeat(200));
        rows.endRow();

        byte[] bytes = Arrays.copyOf(rows.buffer(), rows.size());
        byte[] expectedStart = {
                2, (byte) 0xC3, (byte) 0xA9, // "é": length 2, UTF-8
                4, 3, 2, 1,                  // DateTime: UInt32 little-endian
                44, 1, 0, 0,                 // 300 as UInt32
                1,                           // Nullable(UInt64): null
                0, 0, 0, 0, 0, 0, 0, (byte) 0xF8, 0x3F, // Nullable(Float64): not null, 1.5
                1,                           // UInt8
                0, (byte) 0xC8, 1};          // Nullable(String): not null, length 200 as LEB128
        assertThat(Arrays.copyOf(bytes, expectedStart.length)).isEqualTo(expectedStart);
        assertThat(bytes).hasSize(expectedStart.length + 200);
        assertThat(rows.rows()).isEqualTo(1);

        rows.clear();
        assertThat(rows.size()).isZero();
        assertThat(rows.rows()).isZero();
    }

    @Test
    void encodesArraysOfIntegersAsLengthThenElements() throws SQLException {
        Map<String, String> types = Map.of("keys", "Array(UInt16)", "counts", "Array(Int64)");
        RowBinaryRows rows = new RowBinaryRows("t", List.of("keys", "counts"), types);
        rows.setInts(1, new int[] {1, 300});
        rows.setLongs(2, new long[] {-1});
        rows.endRow();
        rows.setInts(1, new int[0]);
        rows.setLongs(2, new long[0]);
        rows.endRow();
        byte[] expected = {
                2, 1, 0, 44, 1,                                              // [1, 300] as UInt16
                1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,       // [-1] as Int64
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                0, 0};                                                        // two empty arrays
        assertThat(Arrays.copyOf(rows.buffer(), rows.size())).isEqualTo(expected);
        assertThatThrownBy(() -> rows.setLong(1, 5)).hasMessageContaining("t.keys is an Array");
        RowBinaryRows scalar = new RowBinaryRows("t", List.of("id"), TYPES);
        assertThatThrownBy(() -> scalar.setLongs(1, new long[] {1})).hasMessageContaining("not an Array column");
        assertThatThrownBy(() -> new RowBinaryRows("t", List.of("s"), Map.of("s", "Array(String)")))
                .hasMessageContaining("arrays of non-Nullable integers only");
    }

    @Test
    void refusesWhatWouldCorruptTheBatch() throws SQLException {
        RowBinaryRows rows = new RowBinaryRows("t", List.of("id", "n"), TYPES);
        assertThatThrownBy(() -> rows.setNull(1, Types.VARCHAR)).hasMessageContaining("t.id is not Nullable");
        assertThatThrownBy(() -> rows.setString(2, "1")).hasMessageContaining("not a String column");
        assertThatThrownBy(() -> rows.setDouble(2, 1.0)).hasMessageContaining("not a Float column");
        assertThatThrownBy(() -> rows.setLong(3, 1)).hasMessageContaining("no parameter 3");
        rows.setString(1, "a");
        assertThatThrownBy(rows::endRow).hasMessageContaining("t.n was not set");
    }

    @Test
    void refusesColumnsItCannotEncodeWhenTheSinkOpens() {
        assertThatThrownBy(() -> new RowBinaryRows("t", List.of("x"), Map.of("x", "Array(String)")))
                .hasMessageContaining("t.x: column type Array(String) is not one the RowBinary sink writes");
        assertThatThrownBy(() -> new RowBinaryRows("t", List.of("missing"), TYPES))
                .hasMessageContaining("table t has no column missing");
    }
}
