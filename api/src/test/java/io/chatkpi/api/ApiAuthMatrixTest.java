package io.chatkpi.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.api.auth.Role;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.api.http.RouteSpec;
import io.chatkpi.api.kpi.ClickHouseGateway;
import io.chatkpi.ingest.ewt.EwtCalculator;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.testing.ClickHouseExtension;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every role (and no key, and a wrong key) against every endpoint the server registers. */
@ExtendWith(ClickHouseExtension.class)
class ApiAuthMatrixTest {

    record Call(String method, String route, String path, String body) {}

    @Test
    void everyRoleAgainstEveryEndpoint(ClickHouseClient ch) {
        MutableClock clock = new MutableClock(Instant.parse("2026-10-26T12:00:00Z"));
        LiveEwtStore ewt = new LiveEwtStore(clock, EwtCalculator.defaults());
        try (ClickHouseGateway gateway = new ClickHouseGateway(ch, Duration.ofSeconds(30))) {
            List<ApiServer.Route> routes = ReportingRoutes.of(gateway, gateway, ewt, clock);
            Javalin app = TestServers.start(TestServers.deps(clock, ewt, routes));
            try {
                assertEveryRoleAgainstEveryEndpoint(app, routes);
            } finally {
                app.stop();
            }
        }
    }

    /**
     * Every role, no key and a wrong key against every route {@code app} registers (with {@code routes} being the
     * ClickHouse-backed ones it was given); the data endpoints must answer 200 to the roles allowed. Creates and
     * deletes one saved report.
     */
    static void assertEveryRoleAgainstEveryEndpoint(Javalin app, List<ApiServer.Route> routes) {
        HttpCalls http = new HttpCalls(app.port());
        String range = "from=2026-10-25T00:00:00Z&to=2026-10-26T00:00:00Z";
        String definition = "{\"metrics\":[\"answered\"],\"from\":\"2026-10-25\",\"to\":\"2026-10-26\"}";
        String reportId = http.post("/api/v1/reports", TestServers.ANALYST_KEY,
                "{\"name\":\"matrix\",\"definition\":" + definition + "}").json().get("id").asText();
        List<Call> calls = List.of(
                new Call("GET", "/health", "/health", null),
                new Call("GET", "/ready", "/ready", null),
                new Call("GET", "/metrics", "/metrics", null),
                new Call("GET", "/openapi.json", "/openapi.json", null),
                new Call("GET", "/api/v1/queues/{queueId}/ewt", "/api/v1/queues/billing/ewt", null),
                new Call("GET", "/api/v1/queues/ewt", "/api/v1/queues/ewt", null),
                new Call("GET", "/api/v1/queues", "/api/v1/queues", null),
                new Call("GET", "/api/v1/kpis", "/api/v1/kpis?" + range, null),
                new Call("GET", "/api/v1/kpis/summary", "/api/v1/kpis/summary?" + range, null),
                new Call("GET", "/api/v1/sessions", "/api/v1/sessions?" + range, null),
                new Call("GET", "/api/v1/ewt/accuracy", "/api/v1/ewt/accuracy?" + range, null),
                new Call("GET", "/api/v1/reps", "/api/v1/reps?" + range, null),
                new Call("GET", "/api/v1/ewt/history", "/api/v1/ewt/history?" + range, null),
                new Call("GET", "/api/v1/reports/catalog", "/api/v1/reports/catalog", null),
                new Call("POST", "/api/v1/reports/run", "/api/v1/reports/run", definition),
                new Call("POST", "/api/v1/reports", "/api/v1/reports",
                        "{\"name\":\"m2\",\"definition\":" + definition + "}"),
                new Call("GET", "/api/v1/reports", "/api/v1/reports", null),
                new Call("GET", "/api/v1/reports/{id}", "/api/v1/reports/" + reportId, null),
                new Call("GET", "/api/v1/reports/{id}/run", "/api/v1/reports/" + reportId + "/run", null),
                new Call("POST", "/api/v1/sql", "/api/v1/sql", "{\"sql\":\"SELECT 1 AS x\"}"),
                // last: the analyst's call deletes the report
                new Call("DELETE", "/api/v1/reports/{id}", "/api/v1/reports/" + reportId, null));

        // the matrix covers exactly the registered routes
        Set<String> registered = new HashSet<>();
        app.unsafe.internalRouter.allHttpHandlers().forEach(pe -> {
            if (Set.of(HandlerType.GET, HandlerType.POST, HandlerType.DELETE).contains(pe.endpoint.method)) {
                registered.add(pe.endpoint.method + " " + pe.endpoint.path);
            }
        });
        Set<String> covered = new HashSet<>();
        calls.forEach(c -> covered.add(c.method() + " " + c.route()));
        assertThat(covered).isEqualTo(registered);

        Map<String, Set<Role>> allowed = new LinkedHashMap<>();
        List<RouteSpec> specs = new ArrayList<>();
        routes.forEach(r -> specs.add(r.spec()));
        specs.forEach(s -> allowed.put(s.method() + " " + s.path(), s.roles()));
        allowed.put("GET /api/v1/queues/{queueId}/ewt", ApiServer.EWT_ROLES);
        allowed.put("GET /api/v1/queues/ewt", ApiServer.EWT_ROLES);

        List<String> failures = new ArrayList<>();
        for (Call c : calls) {
            Set<Role> roles = allowed.getOrDefault(c.method() + " " + c.route(), Set.of());
            boolean isPublic = roles.isEmpty();
            // no key and a wrong key
            for (String key : new String[] {null, "wrong-key"}) {
                int status = http.method(c.method(), c.path(), key, c.body()).status();
                int expected = isPublic ? (c.route().equals("/ready") ? 503 : 200) : 401;
                if (status != expected) failures.add(c + " key=" + key + ": " + status + " != " + expected);
            }
            for (Role role : List.of(Role.CHAT_SERVICE, Role.MANAGER, Role.ANALYST)) {
                var r = http.method(c.method(), c.path(), TestServers.keyOf(role), c.body());
                int expected = isPublic ? (c.route().equals("/ready") ? 503 : 200)
                        : roles.contains(role) ? (c.route().equals("/api/v1/reports")
                                && c.method().equals("POST") ? 201 : 200) : 403;
                if (r.status() != expected) {
                    failures.add(c.method() + " " + c.path() + " as " + role + ": " + r.status() + " != "
                            + expected + " " + r.body());
                }
            }
        }
        assertThat(failures).isEmpty();
        // spot checks of the policy itself
        assertThat(allowed.get("GET /api/v1/kpis")).containsExactlyInAnyOrder(Role.MANAGER, Role.ANALYST);
        assertThat(allowed.get("POST /api/v1/sql")).containsExactly(Role.ANALYST);
        assertThat(allowed.get("GET /api/v1/queues/ewt")).contains(Role.CHAT_SERVICE);
    }
}
