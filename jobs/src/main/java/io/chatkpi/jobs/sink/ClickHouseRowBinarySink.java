package io.chatkpi.jobs.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.ingest.stack.SqlTemplate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batched ClickHouse sink for one table that sends its rows as RowBinary through client-v2 (HTTP
 * {@code INSERT INTO db.table (columns) FORMAT RowBinary}): one insert per {@code batchSize} rows, or after
 * {@code batchIntervalMs} for a partial batch, and on every checkpoint.
 *
 * <p>At-least-once: the writer sends what it holds before each checkpoint completes (and at the end of input), and a
 * restart re-sends what was not yet checkpointed. Every chatkpi table is a ReplacingMergeTree keyed so that a
 * re-sent row replaces its earlier copy, which makes at-least-once delivery land as exactly-once rows (read with
 * {@code FINAL}). A failed insert is re-sent up to {@code maxRetries} times (with a growing pause) before the job
 * fails and its restart strategy takes over.
 *
 * <p>The column types are read from {@code system.columns} when the writer opens; a column of a type it cannot
 * encode, or one the table lacks, fails the job at start rather than at the first row.
 */
final class ClickHouseRowBinarySink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;
    private static final long INSERT_TIMEOUT_SECONDS = 300;

    private final ClickHouseSinkOptions options;
    private final ClickHouseTable<T> table;

    ClickHouseRowBinarySink(ClickHouseSinkOptions options, ClickHouseTable<T> table) {
        this.options = options;
        this.table = table;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(options, table, context.getProcessingTimeService());
    }

    static final class Writer<T> implements SinkWriter<T> {

        private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

        private final ClickHouseSinkOptions options;
        private final ClickHouseTable<T> table;
        private final ProcessingTimeService time;
        private final Client client;
        private final RowBinaryRows rows;
        private boolean flushScheduled;

        Writer(ClickHouseSinkOptions options, ClickHouseTable<T> table, ProcessingTimeService time) throws IOException {
            this.options = options;
            this.table = table;
            this.time = time;
            this.client = new Client.Builder()
                    .addEndpoint(options.httpEndpoint())
                    .setUsername(options.user())
                    .setPassword(options.password())
                    .compressServerResponse(false)
                    .compressClientRequest(false)
                    .useHttpCompression(false)
                    .build();
            this.rows = new RowBinaryRows(table.name(), table.columns(), columnTypes());
        }

        private Map<String, String> columnTypes() throws IOException {
            String sql = SqlTemplate.render(SqlResources.load("queries/sink_column_types.sql"),
                    Map.of("database", options.database(), "table", table.name()));
            try (ClickHouseClient reader = ClickHouseClient.connect(options.httpEndpoint(), options.user(),
                    options.password(), options.database())) {
                Map<String, String> types = new LinkedHashMap<>();
                for (JsonNode row : reader.queryJson(sql)) {
                    types.put(row.path("name").asText(), row.path("type").asText());
                }
                if (types.isEmpty()) {
                    throw new IOException("no table " + options.database() + "." + table.name() + " in ClickHouse");
                }
                return types;
            } catch (RuntimeException e) {
                throw new IOException("cannot read the columns of " + options.database() + "." + table.name(), e);
            }
        }

        @Override
        public void write(T element, Context context) throws IOException {
            try {
                table.binder().bind(rows, element);
                rows.endRow();
            } catch (SQLException e) {
                throw new IOException("cannot encode a row of " + table.name() + ": " + e.getMessage(), e);
            }
            if (rows.rows() >= options.batchSize()) {
                send();
            } else if (!flushScheduled && options.batchIntervalMs() > 0) {
                flushScheduled = true;
                time.registerTimer(time.getCurrentProcessingTime() + options.batchIntervalMs(), at -> {
                    flushScheduled = false;
                    send();
                });
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            send();
        }

        private void send() throws IOException {
            if (rows.rows() == 0) {
                return;
            }
            // the table qualified: 18.16 does not take the database from the request's settings
            String qualified = options.database() + "." + table.name();
            InsertSettings settings = new InsertSettings();
            for (int attempt = 0; ; attempt++) {
                try (InsertResponse ignored = client.insert(qualified, table.columns(),
                                new ByteArrayInputStream(rows.buffer(), 0, rows.size()), ClickHouseFormat.RowBinary,
                                settings)
                        .get(INSERT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    rows.clear();
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while inserting into " + table.name(), e);
                } catch (Exception e) {
                    if (attempt >= options.maxRetries()) {
                        throw new IOException("inserting " + rows.rows() + " rows into " + options.database() + "."
                                + table.name() + " failed " + (attempt + 1) + " times", e);
                    }
                    LOG.warn("inserting {} rows into {}.{} failed (attempt {}), retrying", rows.rows(),
                            options.database(), table.name(), attempt + 1, e);
                    try {
                        Thread.sleep(1000L * (attempt + 1));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while inserting into " + table.name(), ie);
                    }
                }
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
