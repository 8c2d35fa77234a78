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
        if (database != null) {
            builder.setDefaultDatabase(database);
        }
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
        CommandSettings settings = new CommandSettings();
        if (database != null) {
            settings.setDatabase(database);
        }
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
        String formatted = withJsonEachRow(sql);
        QuerySettings settings = new QuerySettings();
        if (database != null) {
            settings.setDatabase(database);
        }
        try (QueryResponse response = await(client.query(formatted, settings), sql);
             InputStream in = response.getInputStream();
             JsonParser parser = JSON.getFactory().createParser(in);
             MappingIterator<JsonNode> rows = JSON.readerFor(JsonNode.class).readValues(parser)) {
            while (rows.hasNextValue()) {
                consumer.accept(rows.nextValue());
            }
        } catch (ClickHouseQueryException e) {
            throw e;
        } catch (Exception e) {
            throw new ClickHouseQueryException(sql, e);
        }
    }

    /** All rows of a SELECT as JSON objects, in the server's order. */
    public List<JsonNode> queryJson(String sql) {
        List<JsonNode> rows = new ArrayList<>();
        query(sql, rows::add);
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
