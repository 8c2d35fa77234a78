package io.chatkpi.api;

import io.chatkpi.api.auth.ApiKey;
import io.chatkpi.api.auth.Role;
import io.chatkpi.api.ewt.EwtFeed;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Starts the real server on a free port for tests. */
public final class TestServers {

    public static final String CHAT_KEY = "test-chat-service-key";
    public static final String MANAGER_KEY = "test-manager-key";
    public static final String ANALYST_KEY = "test-analyst-key";

    public static final List<ApiKey> KEYS = List.of(
            new ApiKey(Role.CHAT_SERVICE, CHAT_KEY),
            new ApiKey(Role.MANAGER, MANAGER_KEY),
            new ApiKey(Role.ANALYST, ANALYST_KEY));

    private TestServers() {}

    public static String keyOf(Role role) {
        return switch (role) {
            case CHAT_SERVICE -> CHAT_KEY;
            case MANAGER -> MANAGER_KEY;
            case ANALYST -> ANALYST_KEY;
        };
    }

    /**
     * Dependencies without Kafka: the feed is a real consumer pointed at a closed port and never started, so it
     * reports itself not current.
     */
    public static ApiServer.Dependencies deps(Clock clock, LiveEwtStore store, List<ApiServer.Route> extra) {
        ApiConfig config = ApiConfig.defaults(KEYS).withPort(0);
        EwtFeed idle = new EwtFeed("127.0.0.1:1", store, clock, Duration.ofSeconds(30));
        return new ApiServer.Dependencies(config, clock, store, idle, () -> false, extra);
    }

    public static Javalin start(ApiServer.Dependencies deps) {
        return ApiServer.create(deps).start("127.0.0.1", 0);
    }

    /**
     * Stops a test class's server and closes its ClickHouse clients before the ClickHouse server (whose SIGTERM
     * waits for open keep-alive connections); each step on its own, so one failure does not leave the rest open.
     */
    public static void stopAll(Javalin app, Runnable stopClickHouse, AutoCloseable... clients) {
        if (app != null) app.stop();
        for (AutoCloseable c : clients) {
            try {
                if (c != null) c.close();
            } catch (Exception ignored) {
                // closing what is left
            }
        }
        if (stopClickHouse != null) stopClickHouse.run();
    }
}
