package io.chatkpi.ingest.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLiteralTest {

    @Test
    void plainStringsAreQuoted() {
        assertThat(SqlLiteral.string("billing")).isEqualTo("'billing'");
        assertThat(SqlLiteral.string("")).isEqualTo("''");
    }

    @Test
    void quotesAndBackslashesAreEscaped() {
        assertThat(SqlLiteral.string("O'Brien")).isEqualTo("'O\\'Brien'");
        assertThat(SqlLiteral.string("a\\b")).isEqualTo("'a\\\\b'");
        // a trailing backslash must not escape the closing quote
        assertThat(SqlLiteral.string("x\\")).isEqualTo("'x\\\\'");
        assertThat(SqlLiteral.string("\\'")).isEqualTo("'\\\\\\''");
    }

    @Test
    void controlCharactersBecomeEscapes() {
        assertThat(SqlLiteral.string("a\nb\rc\td")).isEqualTo("'a\\nb\\rc\\td'");
        assertThat(SqlLiteral.string("\0\b\f")).isEqualTo("'\\0\\b\\f'");
        assertThat(SqlLiteral.string("\u0001\u001f\u007f")).isEqualTo("'\\x01\\x1F\\x7F'");
        assertThat(SqlLiteral.string("a\nb")).doesNotContain("\n");
    }

    @Test
    void unicodePassesThrough() {
        assertThat(SqlLiteral.string("é日本🎉")).isEqualTo("'é日本🎉'");
        assertThat(SqlLiteral.string("\u2028\u00a0")).isEqualTo("'\u2028\u00a0'");
    }

    @Test
    void loneSurrogatesAreRefused() {
        assertThatThrownBy(() -> SqlLiteral.string("a\ud800b")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> SqlLiteral.string("\udc00")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void injectionAttemptsStayInsideTheLiteral() {
        String attack = "x'; DROP TABLE session_events; --";
        String literal = SqlLiteral.string(attack);
        assertThat(literal).isEqualTo("'x\\'; DROP TABLE session_events; --'");
        assertThat(unquotedQuotes(literal)).isEqualTo(2);
        assertThat(unquotedQuotes(SqlLiteral.string("\\' OR 1=1 --"))).isEqualTo(2);
        assertThat(unquotedQuotes(SqlLiteral.string("''''"))).isEqualTo(2);
    }

    /** Quotes that a ClickHouse lexer would see as delimiters (not preceded by an escaping backslash). */
    private static int unquotedQuotes(String literal) {
        int count = 0;
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '\'') {
                count++;
            }
        }
        return count;
    }

    @Test
    void integersAndNegativeNumbersCannotFormComments() {
        assertThat(SqlLiteral.integer(42)).isEqualTo("42");
        assertThat(SqlLiteral.integer(-1)).isEqualTo("(-1)");
        assertThat(SqlLiteral.integer(Long.MIN_VALUE)).isEqualTo("(-9223372036854775808)");
        assertThat("x-" + SqlLiteral.integer(-5)).doesNotContain("--");
        assertThat("x-" + SqlLiteral.decimal(-0.5)).doesNotContain("--");
    }

    @Test
    void doubles() {
        assertThat(SqlLiteral.decimal(1.5)).isEqualTo("1.5");
        assertThat(SqlLiteral.decimal(1e-7)).isEqualTo("1.0E-7");
        assertThat(SqlLiteral.decimal(Double.NaN)).isEqualTo("nan");
        assertThat(SqlLiteral.decimal(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(SqlLiteral.decimal(Double.NEGATIVE_INFINITY)).isEqualTo("(-inf)");
    }

    @Test
    void instantsAreUtcDateTimesToTheSecond() {
        assertThat(SqlLiteral.of(Instant.parse("2023-11-14T22:13:20.999Z"))).isEqualTo("toDateTime(1700000000, 'UTC')");
        assertThat(SqlLiteral.epochMillis(Instant.parse("2023-11-14T22:13:20.999Z"))).isEqualTo("1700000000999");
        assertThatThrownBy(() -> SqlLiteral.dateTime(Instant.parse("1969-12-31T23:59:59Z")))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherValues() {
        assertThat(SqlLiteral.of(null)).isEqualTo("NULL");
        assertThat(SqlLiteral.string(null)).isEqualTo("NULL");
        assertThat(SqlLiteral.of(true)).isEqualTo("1");
        assertThat(SqlLiteral.of(7)).isEqualTo("7");
        assertThat(SqlLiteral.of(new BigInteger("18446744073709551615"))).isEqualTo("18446744073709551615");
        assertThat(SqlLiteral.of(new BigDecimal("-1.25"))).isEqualTo("(-1.25)");
        assertThat(SqlLiteral.of(LocalDate.of(2026, 1, 31))).isEqualTo("toDate('2026-01-31')");
        assertThat(SqlLiteral.of(java.time.DayOfWeek.MONDAY)).isEqualTo("'MONDAY'");
        assertThat(SqlLiteral.of(List.of("a'", 1L))).isEqualTo("['a\\'', 1]");
        assertThatThrownBy(() -> SqlLiteral.of(new Object())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void identifiersOnlyFromAPlainPattern() {
        assertThat(SqlLiteral.identifier("session_events")).isEqualTo("`session_events`");
        assertThat(SqlLiteral.isIdentifier("t_x_1")).isTrue();
        for (String bad : new String[] {"", "1x", "a-b", "a`b", "a b", "x; DROP", "é", null}) {
            assertThatThrownBy(() -> SqlLiteral.identifier(bad)).as(String.valueOf(bad))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
