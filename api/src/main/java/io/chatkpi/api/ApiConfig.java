package io.chatkpi.api;

import io.chatkpi.api.auth.ApiKey;
import io.chatkpi.api.auth.Role;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The API's settings, from environment variables and/or a properties file whose keys are the same names as the
 * variables (the file named by {@code CHATKPI_API_CONFIG} or {@code --config}); a variable wins over the file.
 *
 * <table>
 * <tr><td>CHATKPI_API_PORT</td><td>7070</td></tr>
 * <tr><td>CHATKPI_API_HOST</td><td>0.0.0.0 (every interface; 127.0.0.1 for this machine only)</td></tr>
 * <tr><td>CHATKPI_API_KEYS</td><td>{@code role:key,role:key}, roles chat-service, manager, analyst</td></tr>
 * <tr><td>CHATKPI_CLICKHOUSE_URL</td><td>http://127.0.0.1:8123</td></tr>
 * <tr><td>CHATKPI_CLICKHOUSE_DATABASE</td><td>chatkpi</td></tr>
 * <tr><td>CHATKPI_CLICKHOUSE_USER / _PASSWORD</td><td>default / empty</td></tr>
 * <tr><td>CHATKPI_CLICKHOUSE_ANALYST_USER / _PASSWORD</td><td>analyst / empty (read-only user for /sql)</td></tr>
 * <tr><td>CHATKPI_KAFKA_BOOTSTRAP</td><td>127.0.0.1:9092</td></tr>
 * <tr><td>CHATKPI_API_RATE_LIMIT</td><td>600 requests per minute per key</td></tr>
 * <tr><td>CHATKPI_API_MAX_BODY_BYTES</td><td>1048576</td></tr>
 * <tr><td>CHATKPI_API_QUERY_TIMEOUT_SECONDS</td><td>30</td></tr>
 * <tr><td>CHATKPI_API_EWT_FEED_STALE_SECONDS</td><td>30 (no contact with Kafka for longer: not ready)</td></tr>
 * </table>
 */
public record ApiConfig(
        int port,
        String host,
        List<ApiKey> apiKeys,
        boolean insecureNoAuth,
        String clickhouseUrl,
        String clickhouseDatabase,
        String clickhouseUser,
        String clickhousePassword,
        String analystUser,
        String analystPassword,
        String kafkaBootstrap,
        int rateLimitPerMinute,
        long maxBodyBytes,
        Duration queryTimeout,
        Duration ewtFeedStaleAfter) {

    public static final int DEFAULT_PORT = 7070;

    public ApiConfig {
        apiKeys = List.copyOf(apiKeys);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("CHATKPI_API_PORT out of range: " + port);
        if (host == null || host.isBlank()) throw new IllegalArgumentException("CHATKPI_API_HOST must not be empty");
        if (rateLimitPerMinute <= 0) throw new IllegalArgumentException("CHATKPI_API_RATE_LIMIT must be > 0");
        if (maxBodyBytes <= 0) throw new IllegalArgumentException("CHATKPI_API_MAX_BODY_BYTES must be > 0");
    }

    /** Defaults with the given keys: for tests and the demo. */
    public static ApiConfig defaults(List<ApiKey> keys) {
        return fromSettings(Map.of(), false).withKeys(keys);
    }

    public ApiConfig withKeys(List<ApiKey> keys) {
        return new ApiConfig(port, host, keys, insecureNoAuth, clickhouseUrl, clickhouseDatabase, clickhouseUser,
                clickhousePassword, analystUser, analystPassword, kafkaBootstrap, rateLimitPerMinute, maxBodyBytes,
                queryTimeout, ewtFeedStaleAfter);
    }

    public ApiConfig withPort(int newPort) {
        return new ApiConfig(newPort, host, apiKeys, insecureNoAuth, clickhouseUrl, clickhouseDatabase, clickhouseUser,
                clickhousePassword, analystUser, analystPassword, kafkaBootstrap, rateLimitPerMinute, maxBodyBytes,
                queryTimeout, ewtFeedStaleAfter);
    }

    /** The interface to listen on: 127.0.0.1 keeps the API to this machine (the demo's choice). */
    public ApiConfig withHost(String newHost) {
        return new ApiConfig(port, newHost, apiKeys, insecureNoAuth, clickhouseUrl, clickhouseDatabase, clickhouseUser,
                clickhousePassword, analystUser, analystPassword, kafkaBootstrap, rateLimitPerMinute, maxBodyBytes,
                queryTimeout, ewtFeedStaleAfter);
    }

    public ApiConfig withClickHouse(String url, String database, String user, String password) {
        return new ApiConfig(port, host, apiKeys, insecureNoAuth, url, database, user, password, analystUser,
                analystPassword, kafkaBootstrap, rateLimitPerMinute, maxBodyBytes, queryTimeout, ewtFeedStaleAfter);
    }

    public ApiConfig withAnalyst(String user, String password) {
        return new ApiConfig(port, host, apiKeys, insecureNoAuth, clickhouseUrl, clickhouseDatabase, clickhouseUser,
                clickhousePassword, user, password, kafkaBootstrap, rateLimitPerMinute, maxBodyBytes, queryTimeout,
                ewtFeedStaleAfter);
    }

    public ApiConfig withKafkaBootstrap(String bootstrap) {
        return new ApiConfig(port, host, apiKeys, insecureNoAuth, clickhouseUrl, clickhouseDatabase, clickhouseUser,
                clickhousePassword, analystUser, analystPassword, bootstrap, rateLimitPerMinute, maxBodyBytes,
                queryTimeout, ewtFeedStaleAfter);
    }

    public ApiConfig withLimits(int perMinute, long bodyBytes, Duration timeout) {
        return new ApiConfig(port, host, apiKeys, insecureNoAuth, clickhouseUrl, clickhouseDatabase, clickhouseUser,
                clickhousePassword, analystUser, analystPassword, kafkaBootstrap, perMinute, bodyBytes, timeout,
                ewtFeedStaleAfter);
    }

    /** Loads from the environment, overlaid on the properties file named by CHATKPI_API_CONFIG or configFile. */
    public static ApiConfig load(Map<String, String> env, Path configFile, boolean insecureNoAuth) {
        Map<String, String> settings = new HashMap<>();
        Path file = configFile != null ? configFile
                : env.containsKey("CHATKPI_API_CONFIG") ? Path.of(env.get("CHATKPI_API_CONFIG")) : null;
        if (file != null) settings.putAll(readProperties(file));
        env.forEach((k, v) -> {
            if (k.startsWith("CHATKPI_")) settings.put(k, v);
        });
        return fromSettings(settings, insecureNoAuth);
    }

    static ApiConfig fromSettings(Map<String, String> s, boolean insecureNoAuth) {
        return new ApiConfig(
                intSetting(s, "CHATKPI_API_PORT", DEFAULT_PORT),
                s.getOrDefault("CHATKPI_API_HOST", "0.0.0.0"),
                parseKeys(s.getOrDefault("CHATKPI_API_KEYS", "")),
                insecureNoAuth,
                s.getOrDefault("CHATKPI_CLICKHOUSE_URL", "http://127.0.0.1:8123"),
                s.getOrDefault("CHATKPI_CLICKHOUSE_DATABASE", "chatkpi"),
                s.getOrDefault("CHATKPI_CLICKHOUSE_USER", "default"),
                s.getOrDefault("CHATKPI_CLICKHOUSE_PASSWORD", ""),
                s.getOrDefault("CHATKPI_CLICKHOUSE_ANALYST_USER", "analyst"),
                s.getOrDefault("CHATKPI_CLICKHOUSE_ANALYST_PASSWORD", ""),
                s.getOrDefault("CHATKPI_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
                intSetting(s, "CHATKPI_API_RATE_LIMIT", 600),
                longSetting(s, "CHATKPI_API_MAX_BODY_BYTES", 1 << 20),
                Duration.ofSeconds(longSetting(s, "CHATKPI_API_QUERY_TIMEOUT_SECONDS", 30)),
                Duration.ofSeconds(longSetting(s, "CHATKPI_API_EWT_FEED_STALE_SECONDS", 30)));
    }

    /**
     * Parses {@code role:key,role:key}. Errors name the role or position, never the key.
     */
    public static List<ApiKey> parseKeys(String spec) {
        List<ApiKey> keys = new ArrayList<>();
        if (spec == null || spec.isBlank()) return keys;
        String[] parts = spec.split(",");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) continue;
            int colon = p.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("CHATKPI_API_KEYS entry " + (i + 1) + " is not role:key");
            }
            String roleName = p.substring(0, colon);
            int entry = i + 1;
            Role role = Role.fromId(roleName).orElseThrow(() -> new IllegalArgumentException(
                    "CHATKPI_API_KEYS entry " + entry + ": unknown role '" + roleName
                            + "' (chat-service, manager, analyst)"));
            keys.add(new ApiKey(role, p.substring(colon + 1)));
        }
        return keys;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }

    private static int intSetting(Map<String, String> s, String name, int dflt) {
        return (int) longSetting(s, name, dflt);
    }

    private static long longSetting(Map<String, String> s, String name, long dflt) {
        String v = s.get(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + v);
        }
    }

    /** Never prints keys or passwords. */
    @Override
    public String toString() {
        return "ApiConfig[port=" + port + ", host=" + host + ", apiKeys=" + apiKeys.size() + " (" + apiKeys.stream()
                .map(k -> k.role().id()).distinct().toList() + "), insecureNoAuth=" + insecureNoAuth
                + ", clickhouseUrl=" + clickhouseUrl + ", database=" + clickhouseDatabase + ", user="
                + clickhouseUser + ", analystUser=" + analystUser + ", kafkaBootstrap=" + kafkaBootstrap
                + ", rateLimitPerMinute=" + rateLimitPerMinute + ", maxBodyBytes=" + maxBodyBytes
                + ", queryTimeout=" + queryTimeout + "]";
    }
}
