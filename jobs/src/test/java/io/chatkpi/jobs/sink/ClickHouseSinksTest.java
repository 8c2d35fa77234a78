package io.chatkpi.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClickHouseSinksTest {

    @Test
    void insertIsPlainSqlWithOnePlaceholderPerColumn() {
        assertThat(ClickHouseSinks.insertSql("chatkpi", "rejected_events", List.of("rejectId", "raw", "ingestedAt")))
                .isEqualTo("INSERT INTO chatkpi.rejected_events (rejectId, raw, ingestedAt) VALUES (?, ?, ?)");
    }

    @Test
    void identifiersAreCheckedNotQuoted() {
        assertThatThrownBy(() -> ClickHouseSinks.insertSql("chatkpi", "t; DROP TABLE x", List.of("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table");
        assertThatThrownBy(() -> ClickHouseSinks.insertSql("chatkpi", "t", List.of("a b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column");
    }

    @Test
    void httpUrlsBecomeJdbcUrls() {
        assertThat(ClickHouseSinkOptions.of("http://127.0.0.1:8123/", "db").jdbcUrl()).isEqualTo("jdbc:clickhouse://127.0.0.1:8123");
        assertThat(ClickHouseSinkOptions.of("https://ch.example:8443", "db").jdbcUrl()).isEqualTo("jdbc:clickhouse://ch.example:8443?ssl=true");
        assertThat(ClickHouseSinkOptions.of("jdbc:clickhouse://h:1", "db").jdbcUrl()).isEqualTo("jdbc:clickhouse://h:1");
        assertThatThrownBy(() -> ClickHouseSinkOptions.of("ch:8123", "db")).hasMessageContaining("must start with");
    }

    @Test
    void passwordNeverPrinted() {
        ClickHouseSinkOptions o = new ClickHouseSinkOptions("http://h:1", "db", "u", "secret", 10, 10, 1);
        assertThat(o.toString()).doesNotContain("secret");
    }
}
