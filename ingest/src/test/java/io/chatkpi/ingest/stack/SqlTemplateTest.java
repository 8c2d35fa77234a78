package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlTemplateTest {

    @Test
    void rendersEachPlaceholderAsALiteralOfItsType() {
        String sql = "SELECT count() FROM session_events WHERE queueId = {{queue:String}} AND ts >= {{from:DateTime}}"
            + " AND tsMs < {{toMs:UInt64}} AND has({{types:Array(String)}}, type) AND x > {{min:Float64}}";
        String rendered = SqlTemplate.render(sql, Map.of("queue", "it's", "from", Instant.ofEpochSecond(1_700_000_000L),
            "toMs", 1_700_000_060_000L, "types", List.of("QUEUED", "ENDED"), "min", -0.5));
        assertThat(rendered).isEqualTo("SELECT count() FROM session_events WHERE queueId = 'it\\'s'"
            + " AND ts >= toDateTime(1700000000, 'UTC') AND tsMs < 1700000060000"
            + " AND has(['QUEUED', 'ENDED'], type) AND x > (-0.5)");
    }

    @Test
    void nullableAcceptsNull() {
        Map<String, Object> values = new HashMap<>();
        values.put("rep", null);
        assertThat(SqlTemplate.render("{{ rep : Nullable(String) }}", values)).isEqualTo("NULL");
        assertThatThrownBy(() -> SqlTemplate.render("{{rep:String}}", values))
            .hasMessageContaining("not Nullable");
    }

    @Test
    void wrongOrMissingValuesAreErrors() {
        assertThatThrownBy(() -> SqlTemplate.render("{{n:UInt32}}", Map.of("n", "1; DROP TABLE x")))
            .hasMessageContaining("n is UInt32, not a String");
        assertThatThrownBy(() -> SqlTemplate.render("{{n:UInt32}}", Map.of("n", -1L)))
            .hasMessageContaining("negative");
        assertThatThrownBy(() -> SqlTemplate.render("{{n:UInt32}}", Map.of()))
            .hasMessageContaining("no value for placeholder {{n:UInt32}}");
        assertThatThrownBy(() -> SqlTemplate.render("SELECT 1", Map.of("typo", 1L)))
            .hasMessageContaining("typo");
        assertThatThrownBy(() -> SqlTemplate.render("{{n}}", Map.of()))
            .hasMessageContaining("malformed placeholder");
        assertThatThrownBy(() -> SqlTemplate.render("{{t:Decimal(9,2)}}", Map.of("t", 1L)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aValueShapedLikeAPlaceholderIsJustText() {
        assertThat(SqlTemplate.render("x = {{a:String}} AND has({{b:Array(String)}}, y)",
            Map.of("a", "{{b:Array(String)}}", "b", List.of("{{a:String}}", "{{"))))
            .isEqualTo("x = '{{b:Array(String)}}' AND has(['{{a:String}}', '{{'], y)");
        assertThatThrownBy(() -> SqlTemplate.render("x = {{a:String}} AND {{b}}", Map.of("a", "v")))
            .hasMessageContaining("malformed placeholder near: {{b}}");
    }

    @Test
    void listsPlaceholders() {
        assertThat(SqlTemplate.placeholders("a = {{a:String}} and b in {{b:Array( UInt64 )}}"))
            .containsExactly(Map.entry("a", "String"), Map.entry("b", "Array(UInt64)"));
    }

    @Test
    void leavesOutANamedSectionAndOnlyThatOne() {
        String template = """
            SELECT x FROM (
                SELECT 1 AS x
                -- begin edges: only off the marks
                UNION ALL
                SELECT {{a:UInt8}} AS x
                -- end edges
                -- begin edgesToo
                UNION ALL
                SELECT 3 AS x
                -- end edgesToo
            )""";
        assertThat(SqlTemplate.without(template, "edges")).isEqualTo("""
            SELECT x FROM (
                SELECT 1 AS x
                -- begin edgesToo
                UNION ALL
                SELECT 3 AS x
                -- end edgesToo
            )""");
        assertThat(SqlTemplate.without(SqlTemplate.without(template, "edges"), "edgesToo"))
            .isEqualTo("SELECT x FROM (\n    SELECT 1 AS x\n)");
        assertThatThrownBy(() -> SqlTemplate.without(template, "edge")).hasMessageContaining("no section 'edge'");
        assertThat(SqlTemplate.sections(template)).containsExactly("edges", "edgesToo");
    }
}
