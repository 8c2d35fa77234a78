package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatkpi.api.auth.ApiKey;
import io.chatkpi.api.auth.ApiKeyRing;
import io.chatkpi.api.auth.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiConfigTest {

    @Test
    void defaults() {
        ApiConfig c = ApiConfig.load(Map.of(), null, false);
        assertThat(c.port()).isEqualTo(7070);
        assertThat(c.apiKeys()).isEmpty();
        assertThat(c.clickhouseDatabase()).isEqualTo("chatkpi");
    }

    @Test
    void listensOnEveryInterfaceUnlessAHostIsNamed() {
        assertThat(ApiConfig.load(Map.of(), null, false).host()).isEqualTo("0.0.0.0");
        assertThat(ApiConfig.load(Map.of("CHATKPI_API_HOST", "127.0.0.1"), null, false).host())
                .isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> ApiConfig.load(Map.of("CHATKPI_API_HOST", " "), null, false))
                .hasMessageContaining("CHATKPI_API_HOST");
        // the demo keeps its API to this machine unless told otherwise
        ApiConfig defaults = ApiConfig.load(Map.of(), null, false);
        assertThat(io.chatkpi.demo.Demo.demoHost(defaults, Map.of()).host()).isEqualTo("127.0.0.1");
        Map<String, String> named = Map.of("CHATKPI_API_HOST", "0.0.0.0");
        assertThat(io.chatkpi.demo.Demo.demoHost(ApiConfig.load(named, null, false), named).host())
                .isEqualTo("0.0.0.0");
    }

    @Test
    void parsesKeysOfEveryRole() {
        List<ApiKey> keys = ApiConfig.parseKeys("chat-service:cs-1, manager:m-1,analyst:a-1,analyst:a-2");
        assertThat(keys).extracting(ApiKey::role)
                .containsExactly(Role.CHAT_SERVICE, Role.MANAGER, Role.ANALYST, Role.ANALYST);
        assertThat(keys.get(1).secret()).isEqualTo("m-1");
    }

    @Test
    void keyMayContainColons() {
        assertThat(ApiConfig.parseKeys("manager:a:b:c").get(0).secret()).isEqualTo("a:b:c");
    }

    @Test
    void badKeySpecsAreRefusedWithoutShowingTheKey() {
        assertThatThrownBy(() -> ApiConfig.parseKeys("boss:s3cret-value"))
                .hasMessageContaining("unknown role 'boss'").hasMessageNotContaining("s3cret-value");
        assertThatThrownBy(() -> ApiConfig.parseKeys("s3cret-value"))
                .hasMessageContaining("entry 1").hasMessageNotContaining("s3cret-value");
        assertThatThrownBy(() -> ApiConfig.parseKeys("manager:")).hasMessageContaining("empty");
    }

    @Test
    void environmentWinsOverTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("api.properties");
        Files.writeString(file, "CHATKPI_API_PORT=8081\nCHATKPI_API_KEYS=manager:from-file\n"
                + "CHATKPI_CLICKHOUSE_URL=http://ch:8123\n");
        ApiConfig c = ApiConfig.load(Map.of("CHATKPI_API_CONFIG", file.toString(), "CHATKPI_API_PORT", "9090"),
                null, false);
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.clickhouseUrl()).isEqualTo("http://ch:8123");
        assertThat(c.apiKeys()).containsExactly(new ApiKey(Role.MANAGER, "from-file"));
    }

    @Test
    void badNumbersNameTheSetting() {
        assertThatThrownBy(() -> ApiConfig.load(Map.of("CHATKPI_API_PORT", "seventy"), null, false))
                .hasMessageContaining("CHATKPI_API_PORT");
    }

    @Test
    void toStringNeverShowsKeysOrPasswords() {
        ApiConfig c = ApiConfig.load(Map.of("CHATKPI_API_KEYS", "analyst:very-secret-key",
                "CHATKPI_CLICKHOUSE_PASSWORD", "pw-123"), null, false);
        assertThat(c.toString()).doesNotContain("very-secret-key").doesNotContain("pw-123").contains("analyst");
        assertThat(c.apiKeys().get(0).toString()).doesNotContain("very-secret-key");
    }

    @Test
    void keyRingResolvesOnlyExactKeys() {
        ApiKeyRing ring = new ApiKeyRing(ApiConfig.parseKeys("manager:m-key,analyst:a-key"));
        assertThat(ring.authenticate("m-key")).get().extracting(c -> c.role()).isEqualTo(Role.MANAGER);
        assertThat(ring.authenticate("a-key")).get().extracting(c -> c.role()).isEqualTo(Role.ANALYST);
        assertThat(ring.authenticate("m-ke")).isEmpty();
        assertThat(ring.authenticate("m-key ")).isEmpty();
        assertThat(ring.authenticate("")).isEmpty();
        assertThat(ring.authenticate(null)).isEmpty();
        assertThat(ring.authenticate("m-key").get().keyId()).doesNotContain("m-key").hasSize(8);
    }
}
