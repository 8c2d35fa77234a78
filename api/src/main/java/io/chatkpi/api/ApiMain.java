package io.chatkpi.api;

import io.chatkpi.api.ewt.EwtFeed;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.api.kpi.ClickHouseGateway;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./chatkpi api [--config FILE] [--insecure-no-auth]}: the reporting API on its own, against a running
 * ClickHouse and Kafka. Refuses to start without API keys unless --insecure-no-auth is given.
 */
public final class ApiMain {

    private ApiMain() {}

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        boolean insecure = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--insecure-no-auth" -> insecure = true;
                case "--config" -> {
                    if (i + 1 >= args.length) usage("--config needs a file");
                    configFile = Path.of(args[++i]);
                }
                case "-h", "--help" -> {
                    usage(null);
                    return;
                }
                default -> usage("unknown option " + args[i]);
            }
        }
        ApiConfig config;
        try {
            config = ApiConfig.load(System.getenv(), configFile, insecure);
        } catch (IllegalArgumentException e) {
            System.err.println("chatkpi api: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (config.apiKeys().isEmpty() && !config.insecureNoAuth()) {
            System.err.println("chatkpi api: REFUSING TO START: no API keys configured.");
            System.err.println("  Set CHATKPI_API_KEYS=\"chat-service:KEY,manager:KEY,analyst:KEY\" (or the config "
                    + "file), or pass --insecure-no-auth to run WITHOUT authentication.");
            System.exit(2);
            return;
        }
        if (config.insecureNoAuth()) {
            String banner = "*".repeat(78);
            System.err.println(banner);
            System.err.println("* chatkpi api: --insecure-no-auth: NO AUTHENTICATION. Anyone who can reach port "
                    + config.port() + " may read everything and run SQL as the analyst user.");
            System.err.println(banner);
        }
        Running running = start(config, Clock.systemUTC());
        System.out.println("chatkpi api: listening on http://localhost:" + running.app().port()
                + " (dashboard: /; OpenAPI: /openapi.json; " + config + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "api-stop"));
        stopped.await();
    }

    /** The server with everything it owns, so that the demo can start and stop it too. */
    public record Running(Javalin app, EwtFeed feed, ClickHouseGateway clickhouse, ClickHouseGateway analyst)
            implements AutoCloseable {
        @Override
        public void close() {
            app.stop();
            feed.close();
            closeGateway(clickhouse);
            closeGateway(analyst);
        }
    }

    private static void closeGateway(ClickHouseGateway gateway) {
        if (gateway != null) {
            gateway.client().close();
            gateway.close();
        }
    }

    /** Connects ClickHouse and Kafka and starts the server on config.port() (0 = a free port). */
    public static Running start(ApiConfig config, Clock clock) {
        LiveEwtStore store = new LiveEwtStore(clock, EwtCalculator.defaults());
        EwtFeed feed = new EwtFeed(config.kafkaBootstrap(), store, clock, config.ewtFeedStaleAfter()).start();
        ClickHouseGateway clickhouse = null;
        ClickHouseGateway analyst = null;
        try {
            clickhouse = new ClickHouseGateway(ClickHouseClient.connect(config.clickhouseUrl(),
                    config.clickhouseUser(), config.clickhousePassword(), config.clickhouseDatabase()),
                    config.queryTimeout());
            analyst = new ClickHouseGateway(ClickHouseClient.connect(config.clickhouseUrl(),
                    config.analystUser(), config.analystPassword(), config.clickhouseDatabase()),
                    config.queryTimeout(), clickhouse.client());
            List<ApiServer.Route> routes = new ArrayList<>(ReportingRoutes.of(clickhouse, analyst, store, clock));
            ClickHouseGateway readiness = clickhouse;
            Javalin app = ApiServer.create(new ApiServer.Dependencies(config, clock, store, feed, readiness::ping,
                    routes)).start(config.host(), config.port());
            return new Running(app, feed, clickhouse, analyst);
        } catch (RuntimeException e) {
            // a port in use must not leave the feed's consumer thread and the HTTP clients behind in the demo's JVM
            feed.close();
            closeGateway(clickhouse);
            closeGateway(analyst);
            throw e;
        }
    }

    private static void usage(String error) {
        if (error != null) System.err.println("chatkpi api: " + error);
        System.err.println("usage: ./chatkpi api [--config FILE] [--insecure-no-auth]");
        System.err.println("  settings: CHATKPI_API_PORT (7070), CHATKPI_API_KEYS, CHATKPI_CLICKHOUSE_URL, "
                + "CHATKPI_CLICKHOUSE_USER/PASSWORD, CHATKPI_CLICKHOUSE_ANALYST_USER/PASSWORD, "
                + "CHATKPI_KAFKA_BOOTSTRAP, ... (see README.md, section Reporting API)");
        if (error != null) System.exit(2);
    }
}
