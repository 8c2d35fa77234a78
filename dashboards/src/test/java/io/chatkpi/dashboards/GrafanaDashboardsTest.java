package io.chatkpi.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.SqlResources;
import io.chatkpi.testing.ClickHouseExtension;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboards in dashboards/grafana/: every panel's SQL, with Grafana's variables and the ClickHouse
 * plugin's macros filled in for a fixed range, runs on ClickHouse 18.16 (the extension's real server) and on a current
 * ClickHouse (chdb), returns rows over a small hand-checked fixture, and gives the same rows on both; the figures of
 * the panels that managers read first are checked against values worked out by hand from the fixture.
 */
@ExtendWith(ClickHouseExtension.class)
class GrafanaDashboardsTest {

    private static final Path GRAFANA = Path.of("grafana");
    private static final Path DASHBOARDS = GRAFANA.resolve("dashboards");
    private static final Path RUN_PANELS = Path.of("src", "test", "chdb", "run-panels.js");
    private static final Path CHDB_MODULE = Path.of("..", "ingest", "src", "test", "chdb", "node_modules", "chdb");
    private static final String FIXTURE = "grafana/fixture.sql";

    private static final String DATASOURCE_TYPE = "grafana-clickhouse-datasource";
    private static final String DATASOURCE_UID = "chatkpi-clickhouse";
    /** The fixture's morning, 08:00-12:00 UTC; 07:00 (outside) holds one fact that must not count. */
    private static final Instant FROM = Instant.parse("2026-03-02T08:00:00Z");
    private static final Instant TO = Instant.parse("2026-03-02T12:00:00Z");
    private static final long INTERVAL_SECONDS = 300;
    /** Columns that depend on the clock (now()), left out when the two engines' rows are compared. */
    private static final Set<String> CLOCK_COLUMNS = Set.of("longest wait s");

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void loadFixture(ClickHouseClient clickHouse) {
        for (String statement : SqlResources.statements(fixtureSql())) {
            clickHouse.execute(statement);
        }
    }

    @Test
    void everyDashboardAndPanelUsesTheProvisionedClickHouseDataSourceWithRawSql() throws IOException {
        List<Dashboard> dashboards = dashboards();
        assertThat(dashboards).extracting(d -> d.json().path("uid").asText())
            .containsExactlyInAnyOrder("chatkpi-live-queues", "chatkpi-kpis", "chatkpi-reps");
        for (Dashboard dashboard : dashboards) {
            assertThat(dashboard.panels()).as(dashboard.file() + " panels").isNotEmpty();
            for (JsonNode variable : dashboard.json().path("templating").path("list")) {
                assertThat(variable.path("type").asText()).as(variable.toString()).isEqualTo("query");
                assertDataSource(variable.path("datasource"), dashboard.file() + " variable " + variable.path("name"));
            }
            for (JsonNode panel : dashboard.panels()) {
                String where = dashboard.file() + " panel '" + panel.path("title").asText() + "'";
                assertDataSource(panel.path("datasource"), where);
                assertThat(panel.path("targets")).as(where + " targets").hasSize(1);
                JsonNode target = panel.path("targets").get(0);
                assertDataSource(target.path("datasource"), where);
                assertThat(target.path("editorType").asText()).as(where).isEqualTo("sql");
                assertThat(target.path("rawSql").asText()).as(where).isNotBlank();
                boolean timeSeries = panel.path("type").asText().equals("timeseries");
                assertThat(target.path("queryType").asText()).as(where)
                    .isEqualTo(timeSeries ? "timeseries" : "table");
                assertThat(target.path("format").asInt(-1)).as(where).isEqualTo(timeSeries ? 0 : 1);
            }
        }
    }

    @Test
    void provisioningDefinesTheDataSourceTheDashboardsNameAndLoadsThemFromFiles() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode datasources = yaml.readTree(GRAFANA.resolve("provisioning/datasources/chatkpi-clickhouse.yaml")
            .toFile());
        assertThat(datasources.path("apiVersion").asInt()).isEqualTo(1);
        assertThat(datasources.path("datasources")).hasSize(1);
        JsonNode datasource = datasources.path("datasources").get(0);
        assertThat(datasource.path("uid").asText()).isEqualTo(DATASOURCE_UID);
        assertThat(datasource.path("type").asText()).isEqualTo(DATASOURCE_TYPE);
        assertThat(datasource.path("jsonData").path("protocol").asText()).isEqualTo("http");
        assertThat(datasource.path("jsonData").path("defaultDatabase").asText()).isEqualTo("chatkpi");
        assertThat(datasource.path("jsonData").path("host").asText()).isNotBlank();
        assertThat(datasource.path("jsonData").path("port").asText()).isNotBlank();
        assertThat(datasource.path("jsonData").path("username").asText()).isNotBlank();
        assertThat(datasource.path("secureJsonData").path("password").asText()).isNotBlank();

        JsonNode providers = yaml.readTree(GRAFANA.resolve("provisioning/dashboards/chatkpi.yaml").toFile());
        assertThat(providers.path("apiVersion").asInt()).isEqualTo(1);
        JsonNode provider = providers.path("providers").get(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).startsWith("/");
    }

    @Test
    void theExpansionIsThePluginsAndRefusesWhatGrafanaWouldNotFill() {
        GrafanaMacros macros = new GrafanaMacros(FROM, TO, INTERVAL_SECONDS, Map.of(
            "queue", List.of("billing", "o'hara"), "one", List.of("x")));
        assertThat(macros.expand("WHERE $__timeFilter(at) AND queueId IN (${queue:singlequote}) AND c = '$one'"))
            .isEqualTo("WHERE at >= toDateTime(1772438400) AND at <= toDateTime(1772452800)"
                + " AND queueId IN ('billing','o\\'hara') AND c = 'x'");
        assertThat(macros.expand("$__fromTime, $__toTime, $__interval_s, $__timeInterval(ts), $__fromTime_ms"))
            .isEqualTo("toDateTime(1772438400), toDateTime(1772452800), 300, "
                + "toStartOfInterval(toDateTime(ts), INTERVAL 300 second), fromUnixTimestamp64Milli(1772438400000)");
        assertThatThrownBy(() -> macros.expand("SELECT $__noSuchMacro")).hasMessageContaining("noSuchMacro");
        assertThatThrownBy(() -> macros.expand("WHERE r IN (${rep:singlequote})")).hasMessageContaining("$rep");
        assertThatThrownBy(() -> macros.expand("WHERE q IN ($queue)")).hasMessageContaining("needs a SQL format");
    }

    @Test
    void everyPanelRunsOnClickHouse1816AndReturnsRows(ClickHouseClient clickHouse) throws IOException {
        Map<String, List<JsonNode>> results = runOn1816(clickHouse);
        assertThat(results).hasSize(panelCount());
        results.forEach((panel, rows) -> assertThat(rows).as(panel + " returns rows").isNotEmpty());
        for (Dashboard dashboard : dashboards()) {
            for (JsonNode panel : dashboard.panels()) {
                if (panel.path("type").asText().equals("timeseries")) {
                    JsonNode first = results.get(name(dashboard, panel)).get(0);
                    assertThat(first.fieldNames().next()).as(name(dashboard, panel) + " time column")
                        .isEqualTo("time");
                    assertThat(first.path("time").asText()).startsWith("2026-03-02 ");
                }
            }
        }
    }

    @Test
    void theFiguresAreExactOverVersionsRetractionsAndRedeliveries(ClickHouseClient clickHouse) throws IOException {
        Map<String, List<JsonNode>> results = runOn1816(clickHouse);
        assertExactFigures(results);
    }

    @Test
    void everyPanelRunsOnACurrentClickHouseWithTheSameRows(ClickHouseClient clickHouse, @TempDir Path dir)
        throws Exception {
        Map<String, List<JsonNode>> local = runOn1816(clickHouse);
        Map<String, String> queries = expandedQueries(variableValues(clickHouse));
        Map<String, List<JsonNode>> current = runOnChdb(queries, dir);
        assertThat(current.keySet()).containsAll(local.keySet());
        for (String panel : local.keySet()) {
            assertThat(normalized(current.get(panel))).as(panel + " on a current ClickHouse (chdb) vs 18.16")
                .isEqualTo(normalized(local.get(panel)));
        }
        assertExactFigures(current);
    }

    private static void assertExactFigures(Map<String, List<JsonNode>> results) {
        // kpi_facts FINAL ... deleted = 0: s2's wait is its newest version (90 s, outside the service level), s3's
        // answer was retracted, the 07:00 fact lies outside the range. Answered: s1 30 s, s2 90 s, s5 120 s.
        JsonNode headline = only(results.get("chatkpi-kpis/Headline"));
        assertThat(number(headline, "sessions started")).isEqualByComparingTo("5");
        assertThat(number(headline, "answered")).isEqualByComparingTo("3");
        assertThat(number(headline, "abandoned")).isEqualByComparingTo("1");
        assertThat(number(headline, "not routed")).isEqualByComparingTo("1");
        assertThat(number(headline, "average wait s")).isEqualByComparingTo("80");
        assertThat(number(headline, "service level").doubleValue()).isEqualTo(1.0 / 3, within());
        assertThat(number(headline, "abandonment rate").doubleValue()).isEqualTo(1.0 / 6, within());
        assertThat(number(headline, "average handle s")).isEqualByComparingTo("460");

        // ewt_accuracy FINAL: s1's first row (no actual wait yet) is replaced by the completed one.
        List<JsonNode> accuracy = results.get("chatkpi-kpis/EWT accuracy");
        assertThat(accuracy).extracting(r -> r.path("queue").asText()).containsExactly("billing", "tech");
        assertThat(number(accuracy.get(0), "queued")).isEqualByComparingTo("3");
        assertThat(number(accuracy.get(0), "compared")).isEqualByComparingTo("2");
        assertThat(number(accuracy.get(0), "bias s")).isEqualByComparingTo("0");
        assertThat(number(accuracy.get(0), "mean abs error s")).isEqualByComparingTo("30");
        assertThat(accuracy.get(1).path("bias s").isNull()).as("no compared waits in tech").isTrue();

        // The estimate in force for billing is the newest row, a NULL (not enough data), not the older 60 s.
        List<JsonNode> queues = results.get("chatkpi-live-queues/Queues now");
        assertThat(queues).extracting(r -> r.path("queue").asText()).containsExactly("billing", "tech");
        assertThat(queues.get(0).path("EWT s").isNull()).as("billing's EWT").isTrue();
        assertThat(number(queues.get(0), "EWT samples")).isEqualByComparingTo("2");
        assertThat(number(queues.get(1), "EWT s")).isEqualByComparingTo("120");
        // sessions FINAL: s7 is ACTIVE now (an older version was WAITING), s9 ENDED (was WAITING).
        assertThat(number(queues.get(0), "waiting")).isEqualByComparingTo("1");
        assertThat(number(queues.get(0), "active")).isEqualByComparingTo("1");
        assertThat(number(queues.get(0), "reps busy")).isEqualByComparingTo("1");
        assertThat(number(queues.get(1), "inactive")).isEqualByComparingTo("1");
        // billing's longest wait runs from s6's latest QUEUED (11:50:10), not its start (11:50:00).
        long waitedFromQueued = Instant.now().getEpochSecond() - Instant.parse("2026-03-02T11:50:10Z").getEpochSecond();
        assertThat(number(queues.get(0), "longest wait s").longValue()).isBetween(waitedFromQueued - 60,
            waitedFromQueued + 1);

        List<JsonNode> reps = results.get("chatkpi-reps/Reps");
        assertThat(reps).extracting(r -> r.path("rep").asText()).containsExactly("r1", "r2", "r3");
        assertThat(number(reps.get(0), "average rep response s")).isEqualByComparingTo("20");
        assertThat(number(reps.get(0), "p90 rep response s")).isEqualByComparingTo("30");
        assertThat(reps.get(2).path("p90 rep response s").isNull()).as("r3 never replied").isTrue();
        assertThat(number(reps.get(2), "inactive sessions")).isEqualByComparingTo("1");

        assertThat(number(only(results.get("chatkpi-live-queues/Rejected events")), "rejected"))
            .as("a redelivered rejected record counts once").isEqualByComparingTo("1");
        assertThat(results.get("chatkpi-live-queues/Events landed"))
            .as("the redelivered SESSION_STARTED e1 counts once")
            .anySatisfy(r -> {
                assertThat(r.path("type").asText()).isEqualTo("SESSION_STARTED");
                assertThat(r.path("time").asText()).isEqualTo("2026-03-02 09:00:00");
                assertThat(number(r, "events")).isEqualByComparingTo("1");
            });
    }

    // ------------------------------------------------------------------------------------------------ running

    private static Map<String, List<JsonNode>> runOn1816(ClickHouseClient clickHouse) throws IOException {
        Map<String, List<JsonNode>> results = new LinkedHashMap<>();
        expandedQueries(variableValues(clickHouse)).forEach((name, sql) -> {
            try {
                results.put(name, clickHouse.queryJson(sql));
            } catch (RuntimeException e) {
                fail("ClickHouse 18.16 rejects " + name + ":\n" + sql + "\n-> " + e.getMessage(), e);
            }
        });
        return results;
    }

    /** Each dashboard variable's values as Grafana would offer them (its query over the range): "All" = all of them. */
    private static Map<String, List<String>> variableValues(ClickHouseClient clickHouse) throws IOException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        GrafanaMacros noVariables = new GrafanaMacros(FROM, TO, INTERVAL_SECONDS, Map.of());
        for (Dashboard dashboard : dashboards()) {
            for (JsonNode variable : dashboard.json().path("templating").path("list")) {
                List<String> options = new ArrayList<>();
                for (JsonNode row : clickHouse.queryJson(noVariables.expand(variable.path("query").asText()))) {
                    options.add(row.elements().next().asText());
                }
                assertThat(options).as(dashboard.file() + " variable " + variable.path("name")).isNotEmpty();
                values.put(variable.path("name").asText(), options);
            }
        }
        return values;
    }

    private static Map<String, String> expandedQueries(Map<String, List<String>> variables) throws IOException {
        GrafanaMacros macros = new GrafanaMacros(FROM, TO, INTERVAL_SECONDS, variables);
        Map<String, String> queries = new LinkedHashMap<>();
        for (Dashboard dashboard : dashboards()) {
            for (JsonNode panel : dashboard.panels()) {
                String raw = panel.path("targets").get(0).path("rawSql").asText();
                queries.put(name(dashboard, panel), macros.expand(raw));
            }
        }
        return queries;
    }

    private static Map<String, List<JsonNode>> runOnChdb(Map<String, String> queries, Path dir) throws Exception {
        if (!Files.isDirectory(CHDB_MODULE)) {
            fail("the npm package chdb is not installed in " + CHDB_MODULE.toAbsolutePath().normalize()
                + ": run ./chatkpi test (it runs `npm ci` there), or `npm ci` in ingest/src/test/chdb yourself");
        }
        ObjectNode job = JSON.createObjectNode();
        job.put("chdbModule", CHDB_MODULE.toAbsolutePath().normalize().toString());
        ArrayNode setup = job.putArray("setup");
        for (SqlResources.Migration migration : SqlResources.schema()) {
            migration.statements().forEach(setup::add);
        }
        SqlResources.statements(fixtureSql()).forEach(setup::add);
        ArrayNode list = job.putArray("queries");
        queries.forEach((name, sql) -> list.addObject().put("name", name).put("sql", sql));
        Path jobFile = dir.resolve("panels.json");
        JSON.writeValue(jobFile.toFile(), job);

        ProcessBuilder builder = new ProcessBuilder("node", RUN_PANELS.toString(), jobFile.toString())
            .redirectErrorStream(true);
        // the project's server runs in UTC (clickhouse/config.xml); so must the in-process engine
        builder.environment().put("TZ", "UTC");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("run-panels.js did not finish within 120 s:\n" + output);
        }
        assertThat(process.exitValue()).as(output).isZero();
        Map<String, List<JsonNode>> results = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("{\"name\"")) {
                JsonNode result = JSON.readTree(line);
                List<JsonNode> rows = new ArrayList<>();
                result.path("rows").forEach(rows::add);
                results.put(result.path("name").asText(), rows);
            }
        }
        assertThat(results).as(output).containsKey("__version");
        results.remove("__version");
        return results;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * Rows as comparable values: numbers (18.16 and current releases quote 64-bit integers alike, but print floats to
     * different lengths) to 12 significant digits, everything else as text; clock-dependent columns left out.
     */
    private static List<Map<String, Object>> normalized(List<JsonNode> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode row : rows) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!CLOCK_COLUMNS.contains(field.getKey())) {
                    values.put(field.getKey(), value(field.getValue()));
                }
            }
            out.add(values);
        }
        return out;
    }

    private static Object value(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        String text = node.asText();
        if (node.isNumber() || text.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
            return new BigDecimal(text).round(new MathContext(12)).stripTrailingZeros().toPlainString();
        }
        return text;
    }

    private static BigDecimal number(JsonNode row, String column) {
        JsonNode value = row.path(column);
        assertThat(value.isMissingNode() || value.isNull()).as(column + " in " + row).isFalse();
        return new BigDecimal(value.asText());
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    private static JsonNode only(List<JsonNode> rows) {
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static void assertDataSource(JsonNode datasource, String where) {
        assertThat(datasource.path("type").asText()).as(where + " data source type").isEqualTo(DATASOURCE_TYPE);
        assertThat(datasource.path("uid").asText()).as(where + " data source uid").isEqualTo(DATASOURCE_UID);
    }

    private static String name(Dashboard dashboard, JsonNode panel) {
        return dashboard.json().path("uid").asText() + "/" + panel.path("title").asText();
    }

    private static int panelCount() throws IOException {
        return dashboards().stream().mapToInt(d -> d.panels().size()).sum();
    }

    private record Dashboard(Path file, JsonNode json) {
        List<JsonNode> panels() {
            List<JsonNode> panels = new ArrayList<>();
            json.path("panels").forEach(panels::add);
            return panels;
        }
    }

    private static List<Dashboard> dashboards() throws IOException {
        List<Dashboard> dashboards = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                dashboards.add(new Dashboard(file, JSON.readTree(file.toFile())));
            }
        }
        assertThat(dashboards).as("dashboards in " + DASHBOARDS.toAbsolutePath()).isNotEmpty();
        return dashboards;
    }

    private static String fixtureSql() {
        try (var in = GrafanaDashboardsTest.class.getClassLoader().getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + FIXTURE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
