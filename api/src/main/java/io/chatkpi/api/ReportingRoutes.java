package io.chatkpi.api;

import static io.chatkpi.api.ApiServer.ANALYST_ROLES;
import static io.chatkpi.api.ApiServer.MANAGER_ROLES;

import io.chatkpi.api.ApiServer.Route;
import io.chatkpi.api.ewt.LiveEwtStore;
import io.chatkpi.api.http.RouteSpec;
import io.chatkpi.api.http.RouteSpec.Param;
import io.chatkpi.api.kpi.ClickHouseGateway;
import io.chatkpi.api.kpi.DashboardHandlers;
import io.chatkpi.api.kpi.KpiHandlers;
import io.chatkpi.api.kpi.SessionHandlers;
import io.chatkpi.api.reports.ReportHandlers;
import io.chatkpi.api.reports.SqlHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The ClickHouse-backed endpoints: KPIs, sessions, EWT accuracy, queue state (as the pipeline's user), reports
 * and SQL (SQL as the read-only analyst user).
 */
public final class ReportingRoutes {

    private static final List<String> JSON = List.of("application/json");

    private ReportingRoutes() {}

    static List<Param> rangeParams() {
        return List.of(
                Param.requiredQuery("from", "string", "start, inclusive: ISO-8601 instant, or local date(-time) in tz"),
                Param.requiredQuery("to", "string", "end, exclusive: ISO-8601 instant, or local date(-time) in tz"),
                Param.query("tz", "string", "IANA zone (Area/City) for buckets and local dates; default UTC"),
                Param.query("queueId", "string", "only this queue"),
                Param.query("repId", "string", "only this rep"));
    }

    /** Where the KPI figures are read from (KpiRequest, KpiSource). */
    static Param sourceParam() {
        return Param.query("source", "string", "auto (default: the rollup where it can answer, else the raw facts) "
                + "or facts (every raw fact: the same figures, slower; includes facts the rollup has not taken in)");
    }

    private static List<Param> withSource(List<Param> params) {
        List<Param> out = new ArrayList<>(params);
        out.add(sourceParam());
        return out;
    }

    public static List<Route> of(ClickHouseGateway clickhouse, ClickHouseGateway analyst, LiveEwtStore ewt,
                                 Clock clock) {
        KpiHandlers kpis = new KpiHandlers(clickhouse, ewt, clock);
        SessionHandlers sessions = new SessionHandlers(clickhouse);
        List<Route> routes = new ArrayList<>();

        List<Param> series = new ArrayList<>(rangeParams());
        series.add(Param.query("granularity", "string", "1m|5m|15m|1h|1d (default 1h); at most 10,000 buckets"));
        series.add(sourceParam());
        routes.add(new Route(new RouteSpec("GET", "/api/v1/kpis", MANAGER_ROLES,
                "KPI time series (every bucket, empty ones with zero counts and null averages) and range totals.",
                series, null, JSON), kpis::series));

        List<Param> summary = new ArrayList<>(rangeParams());
        summary.add(Param.query("compare", "string", "previous: also the previous period of equal length"));
        summary.add(sourceParam());
        routes.add(new Route(new RouteSpec("GET", "/api/v1/kpis/summary", MANAGER_ROLES,
                "KPI totals over the range, optionally with the previous period and the change.",
                summary, null, JSON), kpis::summary));

        List<Param> sessionParams = new ArrayList<>(rangeParams());
        sessionParams.add(Param.query("status", "string", "STARTED|WAITING|ACTIVE|INACTIVE|ENDED|NOT_ROUTED"));
        sessionParams.add(Param.query("abandoned", "boolean", "true|false"));
        sessionParams.add(Param.query("limit", "integer", "page size 1..1000 (default 100)"));
        sessionParams.add(Param.query("cursor", "string", "nextCursor of the previous page"));
        sessionParams.add(Param.query("format", "string", "json (default) or csv (the whole selection)"));
        routes.add(new Route(new RouteSpec("GET", "/api/v1/sessions", MANAGER_ROLES,
                "Session rows (started in the range), cursor-paginated; CSV streams the whole selection.",
                sessionParams, null, List.of("application/json", "text/csv")), sessions::list));

        routes.add(new Route(new RouteSpec("GET", "/api/v1/ewt/accuracy", MANAGER_ROLES,
                "EWT accuracy per queue: count, bias, mean absolute error, p90 absolute error, share within 30 s.",
                List.of(rangeParams().get(0), rangeParams().get(1), rangeParams().get(2), rangeParams().get(3)),
                null, JSON), kpis::accuracy));

        routes.add(new Route(new RouteSpec("GET", "/api/v1/queues", MANAGER_ROLES,
                "Live state per queue: waiting, longest current wait, active/inactive sessions, busy reps, EWT.",
                List.of(), null, JSON), kpis::queues));

        DashboardHandlers dashboard = new DashboardHandlers(clickhouse);
        List<Param> repParams = List.of(rangeParams().get(0), rangeParams().get(1), rangeParams().get(2),
                rangeParams().get(3));
        routes.add(new Route(new RouteSpec("GET", "/api/v1/reps", MANAGER_ROLES,
                "KPIs per rep over the range (the /kpis totals object for each rep with work in it).",
                withSource(repParams), null, JSON), dashboard::reps));
        List<Param> historyParams = new ArrayList<>(repParams);
        historyParams.add(Param.query("granularity", "string", "1m|5m|15m|1h|1d (default 1h); at most 10,000 buckets"));
        routes.add(new Route(new RouteSpec("GET", "/api/v1/ewt/history", MANAGER_ROLES,
                "Published EWT per queue and bucket: average and largest estimate, number of changes.",
                historyParams, null, JSON), dashboard::ewtHistory));

        ReportHandlers reports = new ReportHandlers(clickhouse, clock);
        List<String> jsonOrCsv = List.of("application/json", "text/csv");
        String definition = "{metrics, groupBy, filters, from, to, tz, granularity?, orderBy?, limit?, format?}";
        // catalog before {id}: the router tries routes in this order
        routes.add(new Route(new RouteSpec("GET", "/api/v1/reports/catalog", ANALYST_ROLES,
                "Metrics, dimensions and filters reports may use, with descriptions and units.",
                List.of(), null, JSON), reports::catalog));
        routes.add(new Route(new RouteSpec("POST", "/api/v1/reports/run", ANALYST_ROLES,
                "Runs a report definition validated against the catalog; rows as JSON or CSV.",
                List.of(), definition, jsonOrCsv), reports::run));
        routes.add(new Route(new RouteSpec("POST", "/api/v1/reports", ANALYST_ROLES,
                "Saves a report: {name, definition}.", List.of(), "{name, definition}", JSON), reports::save));
        routes.add(new Route(new RouteSpec("GET", "/api/v1/reports", ANALYST_ROLES,
                "Saved reports.", List.of(), null, JSON), reports::list));
        routes.add(new Route(new RouteSpec("GET", "/api/v1/reports/{id}", ANALYST_ROLES,
                "One saved report with its definition.", List.of(Param.path("id", "report id")), null, JSON),
                reports::get));
        routes.add(new Route(new RouteSpec("GET", "/api/v1/reports/{id}/run", ANALYST_ROLES,
                "Runs a saved report.", List.of(Param.path("id", "report id"),
                Param.query("format", "string", "json (default) or csv")), null, jsonOrCsv), reports::runSaved));
        routes.add(new Route(new RouteSpec("DELETE", "/api/v1/reports/{id}", ANALYST_ROLES,
                "Deletes a saved report.", List.of(Param.path("id", "report id")), null, JSON), reports::delete));

        SqlHandler sql = new SqlHandler(analyst);
        routes.add(new Route(new RouteSpec("POST", "/api/v1/sql", ANALYST_ROLES,
                "Runs one SELECT as ClickHouse's read-only analyst user; refusals are 400 with ClickHouse's "
                        + "message, timeouts 504.", List.of(), "{sql, format?: json|csv}", jsonOrCsv), sql::run));
        return routes;
    }
}
