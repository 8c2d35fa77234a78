package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.api.http.RouteSpec;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Errors, auth, rate limit, ops endpoints and the OpenAPI document, on a real socket. */
class ApiHttpBasicsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final LiveEwtStore store = new LiveEwtStore(clock, EwtCalculator.defaults());
    private Javalin app;

    private HttpCalls start(ApiServer.Dependencies deps) {
        app = TestServers.start(deps);
        return new HttpCalls(app.port());
    }

    private HttpCalls start() {
        return start(TestServers.deps(clock, store, List.of()));
    }

    @AfterEach
    void stop() {
        if (app != null) app.stop();
    }

    private static void assertError(HttpCalls.Reply r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode body = r.json();
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    @Test
    void missingOrUnknownKeyIs401() {
        HttpCalls http = start();
        assertError(http.get("/api/v1/queues/ewt", null), 401, "UNAUTHORIZED");
        assertError(http.get("/api/v1/queues/ewt", "not-a-key"), 401, "UNAUTHORIZED");
        assertError(http.get("/api/v1/queues/ewt", TestServers.MANAGER_KEY + "x"), 401, "UNAUTHORIZED");
        var basic = http.method("GET", "/api/v1/queues/ewt", null, null);
        assertThat(basic.status()).isEqualTo(401);
        assertThat(http.get("/api/v1/queues/ewt", TestServers.MANAGER_KEY).status()).isEqualTo(200);
    }

    @Test
    void wrongRoleIs403() {
        ApiServer.Route analystOnly = new ApiServer.Route(new RouteSpec("GET", "/api/v1/analyst-probe",
                ApiServer.ANALYST_ROLES, "probe", List.of(), null, List.of("application/json")),
                ctx -> ctx.json(Map.of("ok", true)));
        HttpCalls http = start(TestServers.deps(clock, store, List.of(analystOnly)));
        assertError(http.get("/api/v1/analyst-probe", TestServers.CHAT_KEY), 403, "FORBIDDEN");
        assertError(http.get("/api/v1/analyst-probe", TestServers.MANAGER_KEY), 403, "FORBIDDEN");
        assertThat(http.get("/api/v1/analyst-probe", TestServers.ANALYST_KEY).status()).isEqualTo(200);
    }

    @Test
    void unknownRouteIs404AndWrongMethodIs405() {
        HttpCalls http = start();
        assertError(http.get("/api/v1/nothing-here", TestServers.ANALYST_KEY), 404, "NOT_FOUND");
        assertError(http.get("/nothing", null), 404, "NOT_FOUND");
        assertError(http.post("/api/v1/queues/ewt", TestServers.ANALYST_KEY, "{}"), 405, "METHOD_NOT_ALLOWED");
        assertError(http.method("DELETE", "/health", null, null), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void tooLargeBodyIs413() {
        ApiServer.Route echo = new ApiServer.Route(new RouteSpec("POST", "/api/v1/echo", ApiServer.ANALYST_ROLES,
                "echo", List.of(), "anything", List.of("application/json")),
                ctx -> ctx.json(Map.of("length", ctx.body().length())));
        ApiServer.Dependencies d = TestServers.deps(clock, store, List.of(echo));
        ApiConfig small = d.config().withLimits(600, 1_000, Duration.ofSeconds(5));
        HttpCalls http = start(new ApiServer.Dependencies(small, clock, store, d.ewtFeed(), d.clickhouseUp(),
                List.of(echo)));
        assertThat(http.post("/api/v1/echo", TestServers.ANALYST_KEY, "x".repeat(999)).status()).isEqualTo(200);
        assertError(http.post("/api/v1/echo", TestServers.ANALYST_KEY, "x".repeat(1_001)), 413,
                "PAYLOAD_TOO_LARGE");
    }

    @Test
    void aClientUploadingAWholeTooLargeBodyStillReadsThe413() {
        // answered before its body is read, a 1.1 MB upload met a reset now and then (1 in ~100 here): 200 tries
        ApiServer.Route echo = new ApiServer.Route(new RouteSpec("POST", "/api/v1/echo", ApiServer.ANALYST_ROLES,
                "echo", List.of(), "anything", List.of("application/json")),
                ctx -> ctx.json(Map.of("length", ctx.body().length())));
        ApiServer.Dependencies d = TestServers.deps(clock, store, List.of(echo));
        ApiConfig limited = d.config().withLimits(600, 1 << 20, Duration.ofSeconds(5));
        HttpCalls http = start(new ApiServer.Dependencies(limited, clock, store, d.ewtFeed(), d.clickhouseUp(),
                List.of(echo)));
        String body = "x".repeat(1_100_000);
        for (int i = 0; i < 200; i++) {
            assertError(http.post("/api/v1/echo", TestServers.ANALYST_KEY, body), 413, "PAYLOAD_TOO_LARGE");
        }
    }

    @Test
    void rateLimitPerKeyWithRetryAfter() {
        ApiServer.Dependencies d = TestServers.deps(clock, store, List.of());
        ApiConfig limited = d.config().withLimits(3, 1 << 20, Duration.ofSeconds(5));
        HttpCalls http = start(new ApiServer.Dependencies(limited, clock, store, d.ewtFeed(), d.clickhouseUp(),
                List.of()));
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/api/v1/queues/ewt", TestServers.CHAT_KEY).status()).isEqualTo(200);
        }
        var refused = http.get("/api/v1/queues/ewt", TestServers.CHAT_KEY);
        assertError(refused, 429, "RATE_LIMITED");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 20L);
        // another key has its own bucket
        assertThat(http.get("/api/v1/queues/ewt", TestServers.MANAGER_KEY).status()).isEqualTo(200);
        // 3 per minute: one token is back after 20 s of the test's clock
        clock.advance(Duration.ofSeconds(20));
        assertThat(http.get("/api/v1/queues/ewt", TestServers.CHAT_KEY).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/queues/ewt", TestServers.CHAT_KEY).status()).isEqualTo(429);
    }

    @Test
    void refusesToStartWithoutKeysUnlessInsecure() {
        ApiServer.Dependencies d = TestServers.deps(clock, store, List.of());
        ApiServer.Dependencies noKeys = new ApiServer.Dependencies(d.config().withKeys(List.of()), clock, store,
                d.ewtFeed(), d.clickhouseUp(), List.of());
        assertThatThrownBy(() -> ApiServer.create(noKeys)).hasMessageContaining("--insecure-no-auth");

        ApiConfig insecure = ApiConfig.load(Map.of("CHATKPI_API_PORT", "0"), null, true);
        HttpCalls http = start(new ApiServer.Dependencies(insecure, clock, store, d.ewtFeed(), d.clickhouseUp(),
                List.of()));
        assertThat(http.get("/api/v1/queues/ewt", null).status()).isEqualTo(200);
    }

    @Test
    void healthReadyAndMetrics() {
        HttpCalls http = start();
        assertThat(http.get("/health", null).json().get("status").asText()).isEqualTo("up");
        var ready = http.get("/ready", null);
        assertError(ready, 503, "NOT_READY");
        assertThat(ready.json().get("checks").get("ewtFeed").asText()).isEqualTo("behind");
        http.get("/api/v1/queues/q1/ewt", TestServers.CHAT_KEY);
        http.get("/api/v1/queues/q2/ewt", TestServers.CHAT_KEY);
        String metrics = http.get("/metrics", null).body();
        assertThat(metrics)
                .contains("chatkpi_api_requests_total{method=\"GET\",route=\"/api/v1/queues/{queueId}/ewt\","
                        + "status=\"200\"} 2")
                .contains("chatkpi_api_request_duration_seconds_count{method=\"GET\","
                        + "route=\"/api/v1/queues/{queueId}/ewt\"} 2")
                .contains("chatkpi_ewt_feed_current 0")
                .contains("chatkpi_ewt_queues 0")
                .doesNotContain(TestServers.CHAT_KEY);
    }

    @Test
    void openApiDocumentAgreesWithTheRegisteredRoutes() {
        HttpCalls http = start();
        var reply = http.get("/openapi.json", null);
        // larger than the server's response copy buffer: a body is written whole, whatever its size
        assertThat(reply.body().length()).isGreaterThan(2 * ApiServer.RESPONSE_COPY_BUFFER_BYTES);
        JsonNode doc = reply.json();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        Set<String> documented = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        while (paths.hasNext()) {
            var p = paths.next();
            p.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey()));
        }
        Set<String> registered = new HashSet<>();
        Set<HandlerType> httpMethods = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
                HandlerType.DELETE, HandlerType.PATCH);
        app.unsafe.internalRouter.allHttpHandlers().forEach(pe -> {
            if (httpMethods.contains(pe.endpoint.method)) {
                registered.add(pe.endpoint.method + " " + pe.endpoint.path);
            }
        });
        assertThat(documented).isEqualTo(registered);
        assertThat(documented).contains("GET /api/v1/queues/{queueId}/ewt", "GET /openapi.json", "GET /metrics");
        JsonNode ewtOp = doc.get("paths").get("/api/v1/queues/{queueId}/ewt").get("get");
        assertThat(ewtOp.get("parameters").get(0).get("name").asText()).isEqualTo("queueId");
        assertThat(ewtOp.get("x-roles").asText()).isEqualTo("analyst,chat-service,manager");
    }
}
