package io.chatkpi.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatkpi.api.auth.ApiKeyRing;
import io.chatkpi.api.auth.Caller;
import io.chatkpi.api.auth.RateLimiter;
import io.chatkpi.api.auth.Role;
import io.chatkpi.api.ewt.EwtFeedStatus;
import io.chatkpi.api.ewt.EwtHandlers;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.api.http.ApiException;
import io.chatkpi.api.http.ApiMetrics;
import io.chatkpi.api.http.ErrorBody;
import io.chatkpi.api.http.Json;
import io.chatkpi.api.http.OpenApiDocument;
import io.chatkpi.api.http.RouteSpec;
import io.chatkpi.api.http.RouteSpec.Param;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Javalin app from its dependencies; it does not start it. Every route is a {@link RouteSpec} plus a
 * handler; the same list feeds the router and /openapi.json. Auth (bearer key → role), the per-key rate limit
 * and the request metrics wrap every handler.
 */
public final class ApiServer {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String START_NANOS = "chatkpi.startNanos";
    private static final String ROUTE = "chatkpi.route";
    private static final String CALLER = "chatkpi.caller";
    public static final String API_VERSION = "1.0.0";
    static final int RESPONSE_COPY_BUFFER_BYTES = 2048;
    /** Where the dashboards module keeps the web dashboard's files. */
    public static final String DASHBOARD_RESOURCES = "/io/chatkpi/dashboard";
    /** Everything from this server only; ECharts sets inline styles on the elements it draws. */
    static final String DASHBOARD_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static final Set<Role> EWT_ROLES = Set.of(Role.CHAT_SERVICE, Role.MANAGER, Role.ANALYST);
    public static final Set<Role> MANAGER_ROLES = Set.of(Role.MANAGER, Role.ANALYST);
    public static final Set<Role> ANALYST_ROLES = Set.of(Role.ANALYST);

    /**
     * What the server needs. {@code clickhouseUp} answers /ready's ClickHouse check; {@code extraRoutes} are the
     * ClickHouse-backed endpoints (KPIs, sessions, reports, SQL), built by {@link ApiMain} or a test.
     */
    public record Dependencies(ApiConfig config, Clock clock, LiveEwtStore ewt, EwtFeedStatus ewtFeed,
                               BooleanSupplier clickhouseUp, List<Route> extraRoutes) {
        public Dependencies {
            extraRoutes = List.copyOf(extraRoutes);
        }
    }

    /** An endpoint: its description and its handler. */
    public record Route(RouteSpec spec, Handler handler) {}

    private ApiServer() {}

    public static Javalin create(Dependencies d) {
        ApiConfig config = d.config();
        ApiKeyRing keys = new ApiKeyRing(config.apiKeys());
        if (keys.isEmpty() && !config.insecureNoAuth()) {
            throw new IllegalStateException("no API keys configured (CHATKPI_API_KEYS=\"role:key,...\"); "
                    + "refusing to run without authentication unless --insecure-no-auth is given");
        }
        RateLimiter limiter = new RateLimiter(d.clock(), config.rateLimitPerMinute());
        ApiMetrics metrics = new ApiMetrics();
        metrics.gauge("chatkpi_ewt_feed_lag_records", "Records on queue-ewt not yet applied by this API.",
                () -> d.ewtFeed().lagRecords() == null ? null : d.ewtFeed().lagRecords().doubleValue());
        metrics.gauge("chatkpi_ewt_feed_seconds_since_contact", "Seconds since Kafka last answered the EWT feed.",
                () -> d.ewtFeed().millisSinceContact() == null ? null : d.ewtFeed().millisSinceContact() / 1000.0);
        metrics.gauge("chatkpi_ewt_feed_current", "1 when the EWT feed is caught up and in contact with Kafka.",
                () -> d.ewtFeed().current() ? 1.0 : 0.0);
        metrics.gauge("chatkpi_ewt_newest_snapshot_age_seconds",
                "Seconds between now and the newest EWT snapshot's asOf (how far the jobs' output lags).",
                () -> d.ewt().newestAsOfMs() == null ? null
                        : Math.max(0, d.clock().millis() - d.ewt().newestAsOfMs()) / 1000.0);
        metrics.gauge("chatkpi_ewt_queues", "Queues with an EWT snapshot in memory.",
                () -> (double) d.ewt().queueCount());

        List<Route> routes = new ArrayList<>();
        EwtHandlers ewt = new EwtHandlers(d.ewt(), d.clock());
        routes.add(new Route(new RouteSpec("GET", "/health", Set.of(), "Liveness: the process answers.",
                List.of(), null, List.of("application/json")), ctx -> ctx.json(Map.of("status", "up"))));
        routes.add(new Route(new RouteSpec("GET", "/ready", Set.of(),
                "Readiness: ClickHouse answers and the EWT feed is current (503 otherwise).",
                List.of(), null, List.of("application/json")), ctx -> ready(ctx, d)));
        routes.add(new Route(new RouteSpec("GET", "/metrics", Set.of(),
                "Prometheus metrics: requests and latency per route, EWT feed lag.",
                List.of(), null, List.of("text/plain")),
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape())));
        routes.add(new Route(new RouteSpec("GET", "/api/v1/queues/{queueId}/ewt", EWT_ROLES,
                "Live estimated wait time of one queue (nulls and sampleSize 0 when unknown).",
                List.of(Param.path("queueId", "the queue")), null, List.of("application/json")), ewt::one));
        routes.add(new Route(new RouteSpec("GET", "/api/v1/queues/ewt", EWT_ROLES,
                "Live estimated wait time of every known queue.", List.of(), null, List.of("application/json")),
                ewt::all));
        routes.addAll(d.extraRoutes());
        RouteSpec openApiSpec = new RouteSpec("GET", "/openapi.json", Set.of(),
                "This document (OpenAPI 3).", List.of(), null, List.of("application/json"));
        List<RouteSpec> specs = new ArrayList<>(routes.stream().map(Route::spec).toList());
        specs.add(openApiSpec);
        ObjectNode openApi = OpenApiDocument.build(specs, API_VERSION);
        routes.add(new Route(openApiSpec, ctx -> ctx.json(openApi)));

        return Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.http.maxRequestSize = config.maxBodyBytes();
            // Javalin copies every result through a buffer of this size, allocated per response (its default is
            // Jetty's 32 KiB output buffer): at tens of thousands of EWT answers a second of ~250 bytes each, those
            // buffers were 70 % of the API's allocation and set the young-GC rate. Larger bodies just take more
            // rounds into Jetty's own output buffer.
            cfg.http.responseBufferSize = RESPONSE_COPY_BUFFER_BYTES;
            cfg.http.prefer405over404 = true;
            cfg.jetty.port = config.port();
            cfg.startup.showJavalinBanner = false;
            // the web dashboard and its chart library, both from the classpath: it works offline, never a CDN
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = DASHBOARD_RESOURCES;
                sf.location = Location.CLASSPATH;
                sf.headers = Map.of("Content-Security-Policy", DASHBOARD_CSP, "X-Content-Type-Options", "nosniff");
            });
            cfg.staticFiles.enableWebjars();
            cfg.routes.before(ctx -> ctx.attribute(START_NANOS, System.nanoTime()));
            cfg.routes.after(ctx -> {
                Long start = ctx.attribute(START_NANOS);
                String route = ctx.attribute(ROUTE);
                if (start != null) {
                    metrics.record(ctx.method().name(), route == null ? "unmatched" : route, ctx.statusCode(),
                            System.nanoTime() - start);
                }
            });
            for (Route r : routes) {
                cfg.routes.addHttpHandler(HandlerType.findOrCreate(r.spec().method()), r.spec().path(),
                        guarded(r, keys, limiter, config));
            }
            cfg.routes.exception(ApiException.class, (e, ctx) -> {
                if (e.status() >= 500) LOG.warn("{} {} -> {}: {}", ctx.method(), ctx.path(), e.status(), e.getMessage());
                e.headers().forEach(ctx::header);
                error(ctx, e.status(), e.code(), e.getMessage(), e.parameter());
            });
            cfg.routes.exception(HttpResponseException.class, (e, ctx) ->
                    error(ctx, e.getStatus(), codeFor(e.getStatus()), messageFor(e, ctx), null));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "INTERNAL", "internal error; see the server log", null);
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.attribute(ROUTE) == null) error(ctx, 404, "NOT_FOUND", "no route " + ctx.path(), null);
            });
        });
    }

    private static Handler guarded(Route r, ApiKeyRing keys, RateLimiter limiter, ApiConfig config) {
        RouteSpec spec = r.spec();
        return ctx -> {
            ctx.attribute(ROUTE, spec.path());
            if (!spec.roles().isEmpty()) {
                Caller caller = authenticate(ctx, keys, config);
                ctx.attribute(CALLER, caller);
                if (!spec.roles().contains(caller.role())) {
                    throw new ApiException(403, "FORBIDDEN",
                            "role " + caller.role().id() + " may not call " + spec.method() + " " + spec.path());
                }
                RateLimiter.Decision decision = limiter.acquire(caller.keyId());
                if (!decision.allowed()) {
                    throw new ApiException(429, "RATE_LIMITED",
                            "rate limit of " + config.rateLimitPerMinute() + " requests per minute exceeded",
                            null, Map.of("Retry-After", Long.toString(decision.retryAfterSeconds())), null);
                }
            }
            if (("POST".equals(spec.method()) || "PUT".equals(spec.method()))
                    && ctx.req().getContentLengthLong() > config.maxBodyBytes()) {
                discardBody(ctx, config.maxBodyBytes());
                throw new ApiException(413, "PAYLOAD_TOO_LARGE",
                        "request body larger than " + config.maxBodyBytes() + " bytes");
            }
            r.handler().handle(ctx);
        };
    }

    /**
     * Reads and drops a refused body (up to 16 times the limit) before the 413 goes out: a client that writes its
     * whole body before reading the answer (most do) would otherwise see the connection reset under its upload
     * instead of the 413. Beyond that bound the connection is closed unread.
     */
    private static void discardBody(Context ctx, long maxBodyBytes) {
        long budget = Math.min(Long.MAX_VALUE / 32, maxBodyBytes) * 16;
        byte[] buffer = new byte[64 * 1024];
        try (var in = ctx.req().getInputStream()) {
            long read = 0;
            int n;
            while (read < budget && (n = in.read(buffer)) >= 0) {
                read += n;
            }
        } catch (IOException e) {
            // the client went away or sent less than it announced: nothing left to answer
        }
        ctx.header("Connection", "close");
    }

    /** The authenticated caller of this request; null on public routes. */
    public static Caller caller(Context ctx) {
        return ctx.attribute(CALLER);
    }

    private static Caller authenticate(Context ctx, ApiKeyRing keys, ApiConfig config) {
        if (config.insecureNoAuth()) return new Caller(Role.ANALYST, "ip:" + ctx.ip());
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new ApiException(401, "UNAUTHORIZED", "missing API key: send Authorization: Bearer KEY",
                    null, Map.of("WWW-Authenticate", "Bearer"), null);
        }
        String presented = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        Optional<Caller> caller = keys.authenticate(presented);
        return caller.orElseThrow(() -> new ApiException(401, "UNAUTHORIZED", "unknown API key",
                null, Map.of("WWW-Authenticate", "Bearer"), null));
    }

    private static void ready(Context ctx, Dependencies d) {
        boolean clickhouse;
        try {
            clickhouse = d.clickhouseUp().getAsBoolean();
        } catch (RuntimeException e) {
            clickhouse = false;
        }
        boolean feed = d.ewtFeed().current();
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("clickhouse", clickhouse ? "up" : "down");
        checks.put("ewtFeed", feed ? "current" : "behind");
        checks.put("ewtFeedLagRecords", d.ewtFeed().lagRecords());
        if (clickhouse && feed) {
            ctx.json(Map.of("status", "ready", "checks", checks));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "NOT_READY");
            body.put("message", (clickhouse ? "" : "ClickHouse does not answer; ")
                    + (feed ? "" : "the EWT feed is not current"));
            body.put("checks", checks);
            ctx.status(503).json(body);
        }
    }

    static void error(Context ctx, int status, String code, String message, String parameter) {
        ctx.status(status).json(new ErrorBody(code, message, parameter));
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 429 -> "RATE_LIMITED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "TIMEOUT";
            default -> "HTTP_" + status;
        };
    }

    private static String messageFor(HttpResponseException e, Context ctx) {
        return switch (e.getStatus()) {
            case 404 -> "no route " + ctx.method().name() + " " + ctx.path();
            case 405 -> "method " + ctx.method().name() + " not allowed on " + ctx.path();
            case 413 -> "request body too large";
            default -> e.getMessage();
        };
    }
}
