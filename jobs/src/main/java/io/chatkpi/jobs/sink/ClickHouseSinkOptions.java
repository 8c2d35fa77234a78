package io.chatkpi.jobs.sink;

import io.chatkpi.jobs.common.JobConfig;
import java.io.Serializable;
import java.util.Objects;

/**
 * Where and how a job writes to ClickHouse.
 *
 * @param jdbcUrl         e.g. {@code jdbc:clickhouse://127.0.0.1:8123}; an {@code http(s)://} URL (as in
 *                        {@code CHATKPI_CLICKHOUSE_URL}) is accepted and turned into one
 * @param database        the database holding the chatkpi tables
 * @param user            ClickHouse user
 * @param password        its password (empty for none)
 * @param batchSize       rows per INSERT at most; ClickHouse wants few big inserts, not many small ones
 * @param batchIntervalMs a partial batch is flushed after this long, so rows never wait for a full batch
 * @param maxRetries      attempts to re-send a failed batch (with a fresh connection) before the job fails and
 *                        its restart strategy takes over
 */
public record ClickHouseSinkOptions(
        String jdbcUrl, String database, String user, String password, int batchSize, long batchIntervalMs,
        int maxRetries) implements Serializable {

    public static final String DEFAULT_URL = "jdbc:clickhouse://127.0.0.1:8123";
    public static final String DEFAULT_DATABASE = "chatkpi";
    public static final int DEFAULT_BATCH_SIZE = 50_000;
    public static final long DEFAULT_BATCH_INTERVAL_MS = 1000;
    public static final int DEFAULT_MAX_RETRIES = 3;

    public ClickHouseSinkOptions {
        jdbcUrl = toJdbcUrl(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
        ClickHouseSinks.requireIdentifier(database, "database");
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (batchIntervalMs < 0) {
            throw new IllegalArgumentException("batch interval must not be negative, got " + batchIntervalMs);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max retries must not be negative, got " + maxRetries);
        }
    }

    /** Defaults for a server at {@code url}, database {@code database}, user {@code default}. */
    public static ClickHouseSinkOptions of(String url, String database) {
        return new ClickHouseSinkOptions(url, database, "default", "", DEFAULT_BATCH_SIZE, DEFAULT_BATCH_INTERVAL_MS,
                DEFAULT_MAX_RETRIES);
    }

    /**
     * Options {@code --clickhouse-url}, {@code --clickhouse-database}, {@code --clickhouse-user},
     * {@code --clickhouse-password}, {@code --batch-size}, {@code --batch-interval-ms}, {@code --sink-max-retries}
     * (or their {@code CHATKPI_…} environment variables).
     */
    public static ClickHouseSinkOptions from(JobConfig config) {
        return new ClickHouseSinkOptions(
                config.get("clickhouse-url", DEFAULT_URL),
                config.get("clickhouse-database", DEFAULT_DATABASE),
                config.get("clickhouse-user", "default"),
                config.get("clickhouse-password", ""),
                config.getInt("batch-size", DEFAULT_BATCH_SIZE),
                config.getLong("batch-interval-ms", DEFAULT_BATCH_INTERVAL_MS),
                config.getInt("sink-max-retries", DEFAULT_MAX_RETRIES));
    }

    public ClickHouseSinkOptions withBatch(int size, long intervalMs) {
        return new ClickHouseSinkOptions(jdbcUrl, database, user, password, size, intervalMs, maxRetries);
    }

    /**
     * The HTTP endpoint of {@link #jdbcUrl} ({@code http(s)://host:port}), for client-v2: {@code https} when the URL
     * says {@code ssl=true}.
     */
    public String httpEndpoint() {
        String rest = jdbcUrl.substring(jdbcUrl.indexOf(':', "jdbc:".length()) + 1); // after jdbc:clickhouse:
        boolean tls = rest.startsWith("https:") || rest.matches("(?i).*[?&]ssl=true(&.*)?");
        int start = rest.indexOf("//");
        if (start < 0) {
            throw new IllegalArgumentException("ClickHouse URL without a host: " + jdbcUrl);
        }
        String authority = rest.substring(start + 2).split("[/?]", 2)[0];
        return (tls ? "https://" : "http://") + authority;
    }

    static String toJdbcUrl(String url) {
        String u = url.trim();
        if (u.startsWith("jdbc:")) {
            return u;
        }
        if (u.startsWith("http://") || u.startsWith("https://")) {
            String withoutSlash = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
            // the JDBC driver speaks HTTP too; it only needs to be told whether to use TLS
            return withoutSlash.startsWith("https://")
                    ? "jdbc:clickhouse://" + withoutSlash.substring("https://".length()) + (withoutSlash.contains("?") ? "&" : "?") + "ssl=true"
                    : "jdbc:clickhouse://" + withoutSlash.substring("http://".length());
        }
        throw new IllegalArgumentException("ClickHouse URL must start with jdbc:clickhouse://, http:// or https://: '" + url + "'");
    }

    @Override
    public String toString() {
        // never print the password
        return "ClickHouseSinkOptions[" + jdbcUrl + ", database=" + database + ", user=" + user + ", batchSize="
                + batchSize + ", batchIntervalMs=" + batchIntervalMs + ", maxRetries=" + maxRetries + "]";
    }
}
