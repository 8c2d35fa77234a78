package io.chatkpi.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The table printed at the end: each figure, its value, the target on a 2-core machine and whether it is met. */
final class ResultsTable {

    private record Row(String figure, String value, String target, String met) {}

    private ResultsTable() {}

    static void print(BenchResults r, PrintStream out) {
        List<Row> rows = new ArrayList<>();
        if (r.pipeline() != null) {
            BenchResults.Pipeline p = r.pipeline();
            rows.add(new Row("pipeline events/s (" + p.jobs().label() + ")", num(p.eventsPerSec()), "", ""));
            rows.add(new Row("baseline events/s (KafkaConsumer + EventCodec)", num(p.baselineEventsPerSec()), "", ""));
            rows.add(new Row("pipeline / baseline", String.format("%.1f %%", p.ratio() * 100), ">= 50 %",
                    met(p.ratio() >= 0.5)));
            if (p.cpuMicrosPerEvent() != null) {
                rows.add(new Row(String.format("pipeline CPU us per event (bench JVM %.0f s + ClickHouse %.0f s)",
                        p.jvmCpuSeconds(), p.clickHouseCpuSeconds()), String.format("%.1f", p.cpuMicrosPerEvent()),
                        "", ""));
            }
        }
        if (r.ewtFreshnessMs() != null) {
            BenchResults.Freshness f = r.ewtFreshnessMs();
            String n = String.format(" (%d samples at %,.0f events/s)", f.samples(), f.simulatedRate());
            rows.add(new Row("EWT freshness p50 ms" + n, ms(f.p50()), "", ""));
            rows.add(new Row("EWT freshness p99 ms", ms(f.p99()), "<= 1000", met(f.p99() != null && f.p99() <= 1000)));
            rows.add(new Row("EWT freshness max ms", ms(f.max()), "", ""));
        }
        if (r.api() != null && r.api().ewt() != null) {
            BenchResults.EwtLoad e = r.api().ewt();
            rows.add(new Row("EWT endpoint requests/s (" + e.clients() + " clients, " + e.generator() + ")",
                    num(e.rps()), ">= 5,000",
                    met(e.rps() >= 5000)));
            rows.add(new Row("EWT endpoint p50 ms", ms(e.p50Ms()), "", ""));
            rows.add(new Row("EWT endpoint p99 ms", ms(e.p99Ms()), "<= 5", met(e.p99Ms() != null && e.p99Ms() <= 5)));
        }
        if (r.api() != null && r.api().kpi() != null) {
            BenchResults.KpiQueries k = r.api().kpi();
            String n = String.format(" (%,d sessions, %d requests)", k.sessions(), k.requests());
            rows.add(new Row("KPI endpoint p50 ms" + n, ms(k.p50Ms()), "", ""));
            rows.add(new Row("KPI endpoint p99 ms", ms(k.p99Ms()), "<= 200", met(k.p99Ms() != null && k.p99Ms() <= 200)));
            if (k.warmUp() != null) {
                rows.add(new Row(String.format("KPI warm-up, not counted (%d requests): the first ms", k.warmUp().requests()),
                        ms(k.warmUp().firstMs()), "", ""));
                rows.add(new Row("KPI warm-up: the slowest ms", ms(k.warmUp().maxMs()), "", ""));
            }
            rows.add(new Row(String.format("KPI rollup rebuild s (%,d rows)", k.rollupRows()), num(k.rollupSeconds()),
                    "", ""));
            rows.add(new Row("KPI wait for ClickHouse's merges of the load s", num(k.mergeWaitSeconds()), "", ""));
            if (k.offMarks() != null) {
                rows.add(new Row(String.format("KPI off the 15-minute marks p50 ms (%d requests)",
                        k.offMarks().requests()), ms(k.offMarks().p50Ms()), "", ""));
                rows.add(new Row("KPI off the 15-minute marks p99 ms", ms(k.offMarks().p99Ms()), "", ""));
            }
            if (k.raw() != null) {
                rows.add(new Row(String.format("KPI raw-facts path p50 ms (baseline, source=facts, %d requests)", k.raw().requests()),
                        ms(k.raw().p50Ms()), "", ""));
            }
        }
        for (Map.Entry<String, Double> e : r.peakRssMb().entrySet()) {
            rows.add(new Row("peak RSS MiB, " + e.getKey(), e.getValue() == null ? "-" : num(e.getValue()), "", ""));
        }
        int w0 = "figure".length();
        int w1 = "value".length();
        int w2 = "target".length();
        for (Row row : rows) {
            w0 = Math.max(w0, row.figure().length());
            w1 = Math.max(w1, row.value().length());
            w2 = Math.max(w2, row.target().length());
        }
        String format = "%-" + w0 + "s  %" + w1 + "s  %-" + w2 + "s  %s%n";
        out.println();
        out.printf(format, "figure", "value", "target", "");
        out.println("-".repeat(w0 + w1 + w2 + 10));
        for (Row row : rows) out.printf(format, row.figure(), row.value(), row.target(), row.met());
        MachineInfo m = r.machine();
        out.printf("%nmachine: %s, %d cores, %s MiB, %s, Java %s, ClickHouse %s; load average %s at the start, %s at "
                + "the end%n", m.host(), m.cores(), m.memoryMb(), m.os(), m.java(), m.clickhouse(),
                m.loadAverageAtStart(), m.loadAverageAtEnd());
    }

    private static String num(double v) {
        return String.format("%,.0f", v);
    }

    private static String ms(Double v) {
        return v == null ? "-" : v < 10 ? String.format("%.2f", v) : String.format("%,.0f", v);
    }

    private static String met(boolean ok) {
        return ok ? "met" : "MISSED";
    }
}
