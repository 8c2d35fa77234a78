package io.chatkpi.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClickHouseSinksTest {

    @Test
    void identifiersAreCheckedNotQuoted() {
        ClickHouseTable.Binder<String> binder = (row, v) -> row.setString(1, v);
        assertThatThrownBy(() -> new ClickHouseTable<>("t; DROP TABLE x", List.of("a"), binder))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table");
        assertThatThrownBy(() -> new ClickHouseTable<>("t", List.of("a b"), binder))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column");
        assertThatThrownBy(() -> ClickHouseSinkOptions.of("http://h:1", "db; DROP"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database");
    }

    @Test
    void theRowBinarySinkTalksHttpToTheHostOfTheUrl() {
        assertThat(ClickHouseSinkOptions.of("http://127.0.0.1:8123/", "db").httpEndpoint()).isEqualTo("http://127.0.0.1:8123");
        assertThat(ClickHouseSinkOptions.of("https://ch.example:8443", "db").httpEndpoint()).isEqualTo("https://ch.example:8443");
        assertThat(ClickHouseSinkOptions.of("jdbc:clickhouse://h:1/other?compress=0", "db").httpEndpoint()).isEqualTo("http://h:1");
        assertThat(ClickHouseSinkOptions.of("jdbc:clickhouse://h:1?ssl=true", "db").httpEndpoint()).isEqualTo("https://h:1");
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
