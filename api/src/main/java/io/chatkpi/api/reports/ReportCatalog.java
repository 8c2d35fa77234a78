package io.chatkpi.api.reports;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What analysts may ask for in a report. A metric reads one figure of the KPI object computed by
 * {@link io.chatkpi.api.kpi.KpiMeasures} for each group (so reports and /kpis agree exactly); a dimension is a
 * grouping the SQL supports through value-selected keys; a filter is a list of values. Nothing else reaches SQL.
 */
public final class ReportCatalog {

    /** @param path where the figure sits in the KPI object, e.g. waitMs.avg */
    public record Metric(String name, String path, String unit, String description) {}

    public record Dimension(String name, String description) {}

    public record Filter(String name, String type, String description) {}

    public static final Map<String, Metric> METRICS = new LinkedHashMap<>();
    public static final Map<String, Dimension> DIMENSIONS = new LinkedHashMap<>();
    public static final Map<String, Filter> FILTERS = new LinkedHashMap<>();

    private static void metric(String name, String path, String unit, String description) {
        METRICS.put(name, new Metric(name, path, unit, description));
    }

    static {
        metric("sessionsStarted", "started", "count", "sessions started (SESSION_STARTED)");
        metric("queued", "queued", "count", "times sessions entered a queue");
        metric("answered", "answered", "count", "queue waits that ended with a rep joining");
        metric("answeredWithinSl", "answeredWithinSl", "count", "queue waits within the service-level threshold");
        metric("abandoned", "abandoned", "count", "queue waits abandoned: the session ended while waiting");
        metric("notRouted", "notRouted", "count", "sessions never routed to a queue");
        metric("casesCreated", "casesCreated", "count", "sessions that created a case");
        metric("ended", "ended", "count", "sessions ended");
        metric("inactiveEvents", "inactiveEvents", "count", "times sessions went inactive");
        metric("autoInactiveEvents", "autoInactiveEvents", "count", "times sessions went inactive automatically");
        metric("reactivated", "reactivated", "count", "inactive sessions queued again");
        metric("endedAfterInactivity", "endedAfterInactivity", "count", "sessions the system ended while inactive");
        for (String[] d : new String[][] {
                {"Wait", "waitMs", "queue wait (QUEUED to REP_JOINED)"},
                {"FirstResponse", "firstResponseMs", "first response (first QUEUED to the first rep message)"},
                {"RepResponse", "repResponseMs", "rep response time per reply"},
                {"Handle", "handleMs", "handle time per rep assignment"},
                {"Acw", "acwMs", "after-chat work (ENDED to ACW_COMPLETED)"}}) {
            metric("avg" + d[0] + "Ms", d[1] + ".avg", "ms", "mean " + d[2] + " (sum / count)");
            metric("max" + d[0] + "Ms", d[1] + ".max", "ms", "longest " + d[2]);
            metric("p50" + d[0] + "Ms", d[1] + ".p50", "ms", "median " + d[2] + " (within 1 %)");
            metric("p90" + d[0] + "Ms", d[1] + ".p90", "ms", "90th percentile " + d[2] + " (within 1 %)");
            metric("count" + d[0], d[1] + ".count", "count", "number of " + d[2] + " measurements");
        }
        metric("serviceLevel", "rates.serviceLevel", "ratio", "answered within the threshold / answered");
        metric("abandonmentRate", "rates.abandonmentRate", "ratio",
                "queue waits abandoned / times sessions were queued (abandoned / queued), 0 to 1");
        metric("inactivityRate", "rates.inactivityRate", "ratio",
                "sessions that went inactive / sessions a rep joined");
        metric("reactivationRate", "rates.reactivationRate", "ratio",
                "sessions reactivated / sessions that went inactive");

        DIMENSIONS.put("time", new Dimension("time", "time bucket (granularity 1m|5m|15m|1h|1d in tz)"));
        DIMENSIONS.put("queueId", new Dimension("queueId", "the queue of the fact"));
        DIMENSIONS.put("repId", new Dimension("repId", "the rep of the assignment"));

        FILTERS.put("queueId", new Filter("queueId", "array of strings", "only these queues"));
        FILTERS.put("repId", new Filter("repId", "array of strings", "only these reps"));
    }

    private ReportCatalog() {}

    public static List<Metric> metrics() {
        return List.copyOf(METRICS.values());
    }
}
