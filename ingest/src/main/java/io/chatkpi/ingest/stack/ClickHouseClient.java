package io.chatkpi.ingest.stack;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandResponse;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * SQL over ClickHouse's HTTP interface that works on 18.16 and on current releases: client-v2 with compression off
 * (18.16 answers {@code compress=1} with an empty body), reads always as {@code FORMAT JSONEachRow} parsed with
 * Jackson (18.16 lacks the binary formats the drivers ask for). Values reach SQL only as {@link SqlLiteral}s.
 *
 * <p>Note for readers of rows: ClickHouse quotes 64-bit integers in JSON by default (a {@code count()} arrives as
 * {@code "42"}); use {@link #queryLong(String)} or {@link JsonNode#asLong()}, which accept both.
 */
public final class ClickHouseClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> ROW = new TypeReference<>() { };
    private static final Pattern TRAILING_FORMAT = Pattern.compile("(?is).*\\bFORMAT\\s+\\w+\\s*$");
    private static final long TIMEOUT_SECONDS = 300;

    private final Client client;
    private final String url;
    private final String user;
    private final String database;
    private final boolean owner;

    private ClickHouseClient(Client client, String url, String user, String database, boolean owner) {
        this.client = client;
        this.url = url;
        this.user = user;
        this.database = database;
        this.owner = owner;
    }

    /** Connects as {@code default} (or the user in the URL's user info, {@code http://user:pass@host:port}). */
    public static ClickHouseClient connect(String url) {
        return connect(url, null);
    }

    /**
     * @param database the database unqualified names resolve in, or null for the server's default
     */
    public static ClickHouseClient connect(String url, String database) {
        URI uri = URI.create(url);
        String user = "default";
        String password = "";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
        }
        String endpoint = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        return connect(endpoint, user, password, database);
    }

    public static ClickHouseClient connect(String endpoint, String user, String password, String database) {
        Client.Builder builder = new Client.Builder()
            .addEndpoint(endpoint)
            .setUsername(user)
            .setPassword(password == null ? "" : password)
            .compressServerResponse(false)
            .compressClientRequest(false)
            .useHttpCompression(false);
        return new ClickHouseClient(builder.build(), endpoint, user, database, true);
    }

    /** The same connection pool with another current database; closing the view leaves the pool open. */
    public ClickHouseClient withDatabase(String otherDatabase) {
        return new ClickHouseClient(client, url, user, otherDatabase, false);
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** The current database, or null for the server's default. */
    public String database() {
        return database;
    }

    /** Runs a statement that returns no rows: DDL, INSERT ... SELECT, ALTER, OPTIMIZE, SYSTEM ... */
    public void execute(String sql) {
        execute(sql, null);
    }

    /**
     * As {@link #execute(String)}, under the given query id (null: the server picks one), so that the statement can
     * be found in {@code system.processes} and stopped with {@code KILL QUERY}.
     */
    public void execute(String sql, String queryId) {
        CommandSettings settings = new CommandSettings();
        inDatabase(settings);
        withQueryId(settings, queryId);
        try (CommandResponse ignored = await(client.execute(sql, settings), sql)) {
            // the response carries nothing we use; closing it returns the connection to the pool
        } catch (ClickHouseQueryException e) {
            throw e;
        } catch (Exception e) {
            throw new ClickHouseQueryException(sql, e);
        }
    }

    /** Runs a SELECT and hands each row to {@code consumer} as it is parsed (no buffering of the whole result). */
    public void query(String sql, Consumer<JsonNode> consumer) {
        query(sql, null, consumer);
    }

    /**
     * As {@link #query(String, Consumer)}, under the given query id (null: the server picks one), so that the
     * query can be found in {@code system.processes} and stopped with {@code KILL QUERY}.
     */
    public void query(String sql, String queryId, Consumer<JsonNode> consumer) {
        String formatted = withJsonEachRow(sql);
        QuerySettings settings = new QuerySettings();
        inDatabase(settings);
        withQueryId(settings, queryId);
        try (QueryResponse response = await(client.query(formatted, settings), sql);
             TailKeepingInputStream in = new TailKeepingInputStream(response.getInputStream());
             JsonParser parser = JSON.getFactory().createParser(in);
             MappingIterator<JsonNode> rows = JSON.readerFor(JsonNode.class).readValues(parser)) {
            try {
                while (rows.hasNextValue()) {
                    consumer.accept(rows.nextValue());
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
                // Once rows have been sent the server cannot change the HTTP status: an error met later (a limit,
                // a timeout) arrives as "Code: NNN, e.displayText() = ..." text after the last row.
                String serverError = in.serverErrorInTail();
                if (serverError != null) {
                    throw new ClickHouseQueryException(sql, serverError);
                }
                throw e;
            }
        } catch (ClickHouseQueryException e) {
            throw e;
        } catch (Exception e) {
            throw new ClickHouseQueryException(sql, e);
        }
    }

    /** All rows of a SELECT as JSON objects, in the server's order. */
    public List<JsonNode> queryJson(String sql) {
        return queryJson(sql, null);
    }

    /** As {@link #queryJson(String)}, under the given query id (null: the server picks one). */
    public List<JsonNode> queryJson(String sql, String queryId) {
        List<JsonNode> rows = new ArrayList<>();
        query(sql, queryId, rows::add);
        return rows;
    }

    /** All rows of a SELECT as column-name to value maps (Jackson's natural types; 64-bit integers as strings). */
    public List<Map<String, Object>> queryRows(String sql) {
        List<Map<String, Object>> rows = new ArrayList<>();
        query(sql, row -> rows.add(JSON.convertValue(row, ROW)));
        return rows;
    }

    /** The single value of a one-row, one-column SELECT, as a long (quoted 64-bit integers accepted). */
    public long queryLong(String sql) {
        JsonNode value = single(sql);
        if (value.isNumber()) {
            return value.longValue();
        }
        try {
            return Long.parseLong(value.asText());
        } catch (NumberFormatException e) {
            throw new ClickHouseQueryException(sql, "expected an integer, got " + value);
        }
    }

    /** The single value of a one-row, one-column SELECT, as text; null for SQL NULL. */
    public String queryString(String sql) {
        JsonNode value = single(sql);
        return value.isNull() ? null : value.asText();
    }

    private JsonNode single(String sql) {
        List<JsonNode> rows = queryJson(sql);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new ClickHouseQueryException(sql, "expected one row with one column, got " + rows);
        }
        return rows.get(0).elements().next();
    }

    private void inDatabase(QuerySettings settings) {
        if (database != null) {
            // 18.16 ignores client-v2's X-ClickHouse-Database header and only reads the database URL parameter;
            // current releases read either.
            settings.setDatabase(database);
            settings.serverSetting("database", database);
        }
    }

    private static void withQueryId(QuerySettings settings, String queryId) {
        if (queryId != null) {
            // client-v2 sends it as the query_id URL parameter, which 18.16 reads too
            settings.setQueryId(queryId);
        }
    }

    static String withJsonEachRow(String sql) {
        String trimmed = sql.strip();
        while (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
        }
        if (TRAILING_FORMAT.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("the query names its own FORMAT; ClickHouseClient adds "
                + "FORMAT JSONEachRow itself: " + abbreviate(trimmed));
        }
        // A newline, so that a trailing -- comment in the resource cannot swallow the clause.
        return trimmed + "\nFORMAT JSONEachRow";
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future, String sql) throws Exception {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new ClickHouseQueryException(sql, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ClickHouseQueryException(sql, e);
        }
    }

    static String abbreviate(String sql) {
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }

    @Override
    public void close() {
        if (owner) {
            client.close();
        }
    }

    /** Keeps the last bytes read, to find an error message the server appended to a streamed result. */
    private static final class TailKeepingInputStream extends java.io.FilterInputStream {
        private static final int KEEP = 16 * 1024;
        private final byte[] tail = new byte[KEEP];
        private long total;

        TailKeepingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                tail[(int) (total++ % KEEP)] = (byte) b;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                tail[(int) (total++ % KEEP)] = buffer[offset + i];
            }
            return n;
        }

        /** The server's error message at the end of the response, if there is one. */
        String serverErrorInTail() {
            try {
                byte[] chunk = new byte[8192];
                while (read(chunk, 0, chunk.length) >= 0) {
                    // drain: the message may not have been read yet
                }
            } catch (IOException e) {
                // what was read so far may still hold the message
            }
            int size = (int) Math.min(total, KEEP);
            byte[] ordered = new byte[size];
            for (int i = 0; i < size; i++) {
                ordered[i] = tail[(int) ((total - size + i) % KEEP)];
            }
            String text = new String(ordered, StandardCharsets.UTF_8);
            int at = text.lastIndexOf("Code: ");
            return at < 0 ? null : text.substring(at).strip();
        }
    }

    /** A statement failed; the message names the statement and carries the server's reason. */
    public static final class ClickHouseQueryException extends RuntimeException {
        ClickHouseQueryException(String sql, Throwable cause) {
            super(reason(cause) + " -- in: " + abbreviate(sql), cause);
        }

        ClickHouseQueryException(String sql, String reason) {
            super(reason + " -- in: " + abbreviate(sql));
        }

        private static String reason(Throwable cause) {
            String message = cause.getMessage();
            return message == null ? cause.getClass().getSimpleName() : message;
        }
    }

}
