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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's way to ClickHouse: named queries from {@code sql/queries/*.sql} rendered with {@link SqlTemplate}
 * (values as escaped literals only), bounded in time, with failures turned into the API's errors: unreachable →
 * 503, too slow → 504, refused by the server → 400 for an analyst's own SQL, else a 500 (a bug of ours).
 *
 * <p>Every query runs under a query id of its own. When the API stops waiting (its timeout, a 504) it also stops the
 * query on the server ({@code KILL QUERY ... ASYNC}, sql/queries/kill_query.sql), through a privileged connection:
 * otherwise the query would keep a server thread busy until the profile's own max_execution_time, and a client
 * retrying after 504s could pile them up.
 */
public final class ClickHouseGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseGateway.class);
    /** A KILL that finds nothing while the query is still pending: it may not have reached the server yet. */
    private static final int KILL_ATTEMPTS = 5;
    private static final long KILL_RETRY_MILLIS = 200;

    private final ClickHouseClient client;
    private final ClickHouseClient killer;
    private final Duration timeout;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "clickhouse-query");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, String> templates = new ConcurrentHashMap<>();

    /** A gateway whose own connection may stop its queries (the pipeline's user). */
    public ClickHouseGateway(ClickHouseClient client, Duration timeout) {
        this(client, timeout, client);
    }

    /**
     * @param killer the connection that issues {@code KILL QUERY} for queries the API gave up on: a user allowed to
     *     kill {@code client}'s queries (the pipeline's default user for the read-only analyst)
     */
    public ClickHouseGateway(ClickHouseClient client, Duration timeout, ClickHouseClient killer) {
        this.client = client;
        this.timeout = timeout;
        this.killer = killer;
    }

    public ClickHouseClient client() {
        return client;
    }

    /** The SQL of a named query with its placeholders filled. */
    public String render(String queryName, Map<String, ?> values) {
        String template = templates.computeIfAbsent(queryName, n -> SqlResources.load("queries/" + n + ".sql"));
        return SqlTemplate.render(template, values);
    }

    /** The SQL of a named query without its section {@code leftOut} ({@link SqlTemplate#without}), filled. */
    public String render(String queryName, String leftOut, Map<String, ?> values) {
        String template = templates.computeIfAbsent(queryName + " without " + leftOut,
                n -> SqlTemplate.without(SqlResources.load("queries/" + queryName + ".sql"), leftOut));
        return SqlTemplate.render(template, values);
    }

    /** All rows of a named query. */
    public List<JsonNode> rows(String queryName, Map<String, ?> values) {
        return rowsOf(render(queryName, values));
    }

    private List<JsonNode> rowsOf(String sql) {
        return bounded(queryId -> client.queryJson(sql, queryId), false);
    }

    /**
     * All rows of a named query, started now and awaited with {@link #await}: the queries of one response run side
     * by side instead of one after the other.
     */
    public CompletableFuture<List<JsonNode>> rowsAsync(String queryName, Map<String, ?> values) {
        return CompletableFuture.supplyAsync(() -> rows(queryName, values), pool);
    }

    /** {@link #rowsAsync(String, Map)} of the named query without its section {@code leftOut}. */
    public CompletableFuture<List<JsonNode>> rowsAsync(String queryName, String leftOut, Map<String, ?> values) {
        return CompletableFuture.supplyAsync(() -> rowsOf(render(queryName, leftOut, values)), pool);
    }

    /** The result of {@link #rowsAsync}, with the API error the query failed with (not a wrapper of it). */
    public static <T> T await(CompletableFuture<T> pending) {
        try {
            return pending.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    /** A statement of a named query that returns nothing (e.g. an INSERT). */
    public void execute(String queryName, Map<String, ?> values) {
        String sql = render(queryName, values);
        bounded(queryId -> {
            client.execute(sql, queryId);
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
            client.query(sql, newQueryId(), row);
        } catch (RuntimeException e) {
            throw translate(e, false);
        }
    }

    /** An analyst's SELECT, as given, on this gateway's (read-only) connection; the server's refusals are 400s. */
    public List<JsonNode> analystRows(String sql) {
        return bounded(queryId -> client.queryJson(sql, queryId), true);
    }

    /** True when ClickHouse answers a trivial query within the timeout. */
    public boolean ping() {
        try {
            List<JsonNode> rows = bounded(queryId -> client.queryJson("SELECT 1 AS one", queryId), false);
            return rows.size() == 1 && longOf(rows.get(0), "one") == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private <T> T bounded(Function<String, T> work, boolean userSql) {
        String queryId = newQueryId();
        CompletableFuture<T> f = CompletableFuture.supplyAsync(() -> work.apply(queryId), pool);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stopOnServer(queryId, f);
            throw ApiException.timeout("ClickHouse did not answer within " + timeoutText()
                    + "; the query (query_id " + queryId + ") is being stopped", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw translate(cause instanceof RuntimeException re ? re : new RuntimeException(cause), userSql);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while waiting for ClickHouse", e);
        }
    }

    /**
     * Asks the server to stop the query, in the background (the 504 is not delayed by it). A KILL that finds nothing
     * while the query is still pending here is tried again: the request may not have reached the server yet.
     */
    private void stopOnServer(String queryId, CompletableFuture<?> pending) {
        String kill = render("kill_query", Map.of("query_id", queryId));
        try {
            pool.execute(() -> {
                try {
                    for (int attempt = 1; attempt <= KILL_ATTEMPTS && !pending.isDone(); attempt++) {
                        if (!killer.queryJson(kill).isEmpty()) return;
                        Thread.sleep(KILL_RETRY_MILLIS * attempt);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.warn("could not stop query {} after the API's timeout: {}", queryId, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("could not stop query {} after the API's timeout: the gateway is closed", queryId);
        }
    }

    private String timeoutText() {
        long ms = timeout.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static String newQueryId() {
        return "chatkpi-api-" + UUID.randomUUID();
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
