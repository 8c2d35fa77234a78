package io.chatkpi.api.kpi;

import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.http.ApiException;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.ingest.stack.SqlTemplate;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The API's way to ClickHouse: named queries from {@code sql/queries/*.sql} rendered with {@link SqlTemplate}
 * (values as escaped literals only), bounded in time, with failures turned into the API's errors: unreachable →
 * 503, too slow → 504, refused by the server → 400 for an analyst's own SQL, else a 500 (a bug of ours).
 */
public final class ClickHouseGateway implements AutoCloseable {

    private final ClickHouseClient client;
    private final Duration timeout;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "clickhouse-query");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, String> templates = new ConcurrentHashMap<>();

    public ClickHouseGateway(ClickHouseClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    public ClickHouseClient client() {
        return client;
    }

    /** The SQL of a named query with its placeholders filled. */
    public String render(String queryName, Map<String, ?> values) {
        String template = templates.computeIfAbsent(queryName, n -> SqlResources.load("queries/" + n + ".sql"));
        return SqlTemplate.render(template, values);
    }

    /** All rows of a named query. */
    public List<JsonNode> rows(String queryName, Map<String, ?> values) {
        String sql = render(queryName, values);
        return bounded(() -> client.queryJson(sql), false);
    }

    /** A statement of a named query that returns nothing (e.g. an INSERT). */
    public void execute(String queryName, Map<String, ?> values) {
        String sql = render(queryName, values);
        bounded(() -> {
            client.execute(sql);
            return null;
        }, false);
    }

    /**
     * Rows handed over as they arrive, for CSV of a whole selection. Not bounded by the API's timeout: a long
     * download is not an error; ClickHouse's own limits apply.
     */
    public void stream(String queryName, Map<String, ?> values, Consumer<JsonNode> row) {
        String sql = render(queryName, values);
        try {
            client.query(sql, row);
        } catch (RuntimeException e) {
            throw translate(e, false);
        }
    }

    /** An analyst's SELECT, as given, on this gateway's (read-only) connection; the server's refusals are 400s. */
    public List<JsonNode> analystRows(String sql) {
        return bounded(() -> client.queryJson(sql), true);
    }

    /** True when ClickHouse answers a trivial query within the timeout. */
    public boolean ping() {
        try {
            return bounded(() -> client.queryLong("SELECT 1"), false) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private <T> T bounded(java.util.function.Supplier<T> work, boolean userSql) {
        CompletableFuture<T> f = CompletableFuture.supplyAsync(work, pool);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw ApiException.timeout("ClickHouse did not answer within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw translate(cause instanceof RuntimeException re ? re : new RuntimeException(cause), userSql);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while waiting for ClickHouse", e);
        }
    }

    /** Maps a failure to the API error it means. */
    static RuntimeException translate(RuntimeException e, boolean userSql) {
        if (e instanceof ApiException) return e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectionInitiationException || t instanceof ConnectException
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return ApiException.unavailable("ClickHouse is unreachable", e);
            }
            if (t instanceof SocketTimeoutException) {
                return ApiException.timeout("ClickHouse timed out", e);
            }
            if (t instanceof ServerException se) {
                // 18.16's error body is not always parsed into the code: look at the text too
                String m = se.getMessage() == null ? "" : se.getMessage();
                if (se.getCode() == ServerException.EXECUTION_TIMEOUT || m.contains("Code: 159,")
                        || m.contains("TIMEOUT_EXCEEDED")) {
                    return ApiException.timeout("ClickHouse: " + firstLine(se.getMessage()), e);
                }
                if (userSql) {
                    return new ApiException(400, "SQL_REFUSED", "ClickHouse: " + firstLine(se.getMessage()),
                            "sql", Map.of(), e);
                }
                return e;
            }
        }
        if (e instanceof ClickHouseClient.ClickHouseQueryException && e.getCause() == null && e.getMessage() != null
                && e.getMessage().startsWith("Code: ")) {
            // The server met a limit after the first rows were sent: the HTTP status was 200 already and the error
            // came as text after the last row (ClickHouseClient reads it from there).
            String reason = e.getMessage();
            int in = reason.indexOf(" -- in: ");
            if (in >= 0) reason = reason.substring(0, in);
            if (reason.startsWith("Code: 159,")) return ApiException.timeout("ClickHouse: " + firstLine(reason), e);
            if (userSql) {
                return new ApiException(400, "SQL_REFUSED", "ClickHouse: " + firstLine(reason), "sql", Map.of(), e);
            }
        }
        if (userSql && e.getMessage() != null && e.getMessage().contains("FORMAT")) {
            return new ApiException(400, "SQL_REFUSED", firstLine(e.getMessage()), "sql", Map.of(), e);
        }
        return e;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        String line = s.lines().findFirst().orElse("");
        return line.length() <= 1000 ? line : line.substring(0, 1000) + "...";
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Convenience for results: a column as a long (ClickHouse quotes 64-bit integers in JSON). */
    public static long longOf(JsonNode row, String column) {
        return row.path(column).asLong();
    }
}
