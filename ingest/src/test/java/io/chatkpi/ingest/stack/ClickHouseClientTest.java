package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.testing.ClickHouseExtension;
import io.chatkpi.testing.ClickHouseTestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClickHouseExtension.class)
class ClickHouseClientTest {

    /** Strings meant to break out of a literal or to corrupt it; each must come back byte for byte. */
    private static final List<String> NASTY = List.of(
        "", "plain", "O'Brien", "''", "\\", "x\\", "\\'", "a\\nb (backslash n, not a newline)",
        "line1\nline2\r\nline3", "tab\there", "\0nul", "\u0001\u0002\u001f\u007f", "\b\f",
        "é日本語🎉 emoji", "\u2028\u2029", "%s {0} ${x} {{x:String}} ?",
        "x'; DROP TABLE session_events; --", "' OR '1'='1", "\\' OR 1=1 --", "'); DROP DATABASE x; --",
        "/* comment */", "-- comment", "`backtick`", "\"double\"");

    @Test
    void everyNastyStringRoundTripsThroughALiteral(ClickHouseClient clickHouse) {
        List<String> back = new ArrayList<>();
        for (String s : NASTY) {
            back.add(clickHouse.queryString("SELECT " + SqlLiteral.string(s) + " AS s"));
        }
        assertThat(back).containsExactlyElementsOf(NASTY);
        assertThat(clickHouse.queryLong("SELECT count() FROM system.tables WHERE database = currentDatabase()"
            + " AND name = 'session_events'")).isEqualTo(1);
    }

    @Test
    void numbersAndTimesRoundTrip(ClickHouseClient clickHouse) {
        JsonNode row = clickHouse.queryJson("SELECT " + SqlLiteral.integer(Long.MIN_VALUE) + " AS min, "
            + SqlLiteral.integer(Long.MAX_VALUE) + " AS max, 10 - " + SqlLiteral.integer(-5) + " AS minus, "
            + SqlLiteral.decimal(-0.25) + " AS d, " + SqlLiteral.decimal(1e-7) + " AS small, "
            + "toUnixTimestamp(" + SqlLiteral.of(Instant.parse("2026-11-25T10:00:00Z")) + ") AS ts, "
            + "toString(" + SqlLiteral.of(Instant.parse("2026-11-25T10:00:00Z")) + ") AS tsText, "
            + "isNaN(" + SqlLiteral.decimal(Double.NaN) + ") AS nan, "
            + SqlLiteral.of(null) + " AS nothing").get(0);
        assertThat(row.get("min").asText()).isEqualTo(Long.toString(Long.MIN_VALUE));
        assertThat(row.get("max").asText()).isEqualTo(Long.toString(Long.MAX_VALUE));
        assertThat(row.get("minus").asLong()).isEqualTo(15);
        assertThat(row.get("d").asDouble()).isEqualTo(-0.25);
        assertThat(row.get("small").asDouble()).isEqualTo(1e-7);
        assertThat(row.get("ts").asLong()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z").getEpochSecond());
        assertThat(row.get("tsText").asText()).isEqualTo("2026-11-25 10:00:00");
        assertThat(row.get("nan").asInt()).isEqualTo(1);
        assertThat(row.get("nothing").isNull()).isTrue();
    }

    @Test
    void executesAndReadsRowsInItsDatabase(ClickHouseTestDatabase db) {
        ClickHouseClient clickHouse = db.client();
        assertThat(clickHouse.database()).isEqualTo(db.database());
        clickHouse.execute("INSERT INTO rejected_events (rejectId, raw, reason, source, ingestedAt) VALUES ("
            + SqlLiteral.string("k:1") + ", " + SqlLiteral.string("{\"bad\": \"json\n") + ", 'missing eventId', "
            + "'test', toDateTime(1700000000, 'UTC'))");
        List<Map<String, Object>> rows = clickHouse.queryRows(
            "SELECT rejectId, raw, ingestedAt, count() OVER () AS n FROM rejected_events".replace(
                ", count() OVER () AS n", "") + ";  ");
        assertThat(rows).containsExactly(Map.of("rejectId", "k:1", "raw", "{\"bad\": \"json\n",
            "ingestedAt", "2023-11-14 22:13:20"));
        assertThat(clickHouse.queryLong("SELECT count() FROM rejected_events -- trailing comment")).isEqualTo(1);
        // 64-bit integers arrive quoted from ClickHouse's JSON; queryLong accepts them
        assertThat(clickHouse.queryJson("SELECT count() AS n FROM rejected_events").get(0).get("n").isTextual())
            .isTrue();
        List<JsonNode> streamed = new ArrayList<>();
        clickHouse.query("SELECT number FROM system.numbers LIMIT 5000", streamed::add);
        assertThat(streamed).hasSize(5000);
    }

    @Test
    void errorsNameTheServersReasonAndTheStatement(ClickHouseClient clickHouse) {
        assertThatThrownBy(() -> clickHouse.queryJson("SELECT nosuchcolumn FROM session_events"))
            .isInstanceOf(ClickHouseClient.ClickHouseQueryException.class)
            .hasMessageContaining("nosuchcolumn").hasMessageContaining("in: SELECT nosuchcolumn");
        assertThatThrownBy(() -> clickHouse.execute("CREATE TABLE broken (x NoSuchType) ENGINE = Memory"))
            .hasMessageContaining("NoSuchType");
        assertThatThrownBy(() -> clickHouse.queryJson("SELECT 1 FORMAT CSV"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FORMAT JSONEachRow");
    }
}
