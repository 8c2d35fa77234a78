package io.chatkpi.api.http;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/**
 * Request counts and latency histograms per route, in the Prometheus text format. Written by hand: a handful of
 * counters does not justify a metrics library and its dependency convergence.
 */
public final class ApiMetrics {

    static final double[] BUCKETS_SECONDS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record Series(String method, String route) {}

    /** Keys of the request counter: labels are written at scrape time, not built as text on every request. */
    private record Outcome(String method, String route, int status) {
        String labels() {
            return ApiMetrics.labels(method, route) + ",status=\"" + status + "\"";
        }
    }

    private static final class Latency {
        final AtomicLong[] buckets = new AtomicLong[BUCKETS_SECONDS.length];
        final AtomicLong count = new AtomicLong();
        final DoubleAdder sum = new DoubleAdder();

        Latency() {
            for (int i = 0; i < buckets.length; i++) buckets[i] = new AtomicLong();
        }
    }

    private final ConcurrentHashMap<Outcome, AtomicLong> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Series, Latency> latencies = new ConcurrentHashMap<>();
    private final Map<String, Supplier<Double>> gauges = new ConcurrentHashMap<>();
    private final Map<String, String> gaugeHelp = new ConcurrentHashMap<>();

    public void record(String method, String route, int status, long nanos) {
        requests.computeIfAbsent(new Outcome(method, route, status), k -> new AtomicLong()).incrementAndGet();
        Latency l = latencies.computeIfAbsent(new Series(method, route), k -> new Latency());
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS_SECONDS.length; i++) {
            if (seconds <= BUCKETS_SECONDS[i]) l.buckets[i].incrementAndGet();
        }
        l.count.incrementAndGet();
        l.sum.add(seconds);
    }

    /** A value read at scrape time, e.g. the EWT feed's lag. A null supplier value is left out. */
    public void gauge(String name, String help, Supplier<Double> value) {
        gauges.put(name, value);
        gaugeHelp.put(name, help);
    }

    public String scrape() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP chatkpi_api_requests_total HTTP requests by route and status.\n");
        out.append("# TYPE chatkpi_api_requests_total counter\n");
        Map<String, Long> byLabels = new TreeMap<>();
        requests.forEach((outcome, n) -> byLabels.put(outcome.labels(), n.get()));
        byLabels.forEach((labels, n) ->
                out.append("chatkpi_api_requests_total{").append(labels).append("} ").append(n).append('\n'));
        out.append("# HELP chatkpi_api_request_duration_seconds HTTP request latency by route.\n");
        out.append("# TYPE chatkpi_api_request_duration_seconds histogram\n");
        latencies.entrySet().stream()
                .sorted((a, b) -> (a.getKey().route() + a.getKey().method())
                        .compareTo(b.getKey().route() + b.getKey().method()))
                .forEach(e -> {
                    String labels = labels(e.getKey().method(), e.getKey().route());
                    Latency l = e.getValue();
                    for (int i = 0; i < BUCKETS_SECONDS.length; i++) {
                        out.append("chatkpi_api_request_duration_seconds_bucket{").append(labels)
                                .append(",le=\"").append(BUCKETS_SECONDS[i]).append("\"} ")
                                .append(l.buckets[i].get()).append('\n');
                    }
                    out.append("chatkpi_api_request_duration_seconds_bucket{").append(labels)
                            .append(",le=\"+Inf\"} ").append(l.count.get()).append('\n');
                    out.append("chatkpi_api_request_duration_seconds_sum{").append(labels).append("} ")
                            .append(String.format(Locale.ROOT, "%.6f", l.sum.sum())).append('\n');
                    out.append("chatkpi_api_request_duration_seconds_count{").append(labels).append("} ")
                            .append(l.count.get()).append('\n');
                });
        new TreeMap<>(gauges).forEach((name, supplier) -> {
            Double v = supplier.get();
            if (v == null) return;
            out.append("# HELP ").append(name).append(' ').append(gaugeHelp.get(name)).append('\n');
            out.append("# TYPE ").append(name).append(" gauge\n");
            out.append(name).append(' ').append(format(v)).append('\n');
        });
        return out.toString();
    }

    private static String format(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v)) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static String labels(String method, String route) {
        return "method=\"" + escape(method) + "\",route=\"" + escape(route) + "\"";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
