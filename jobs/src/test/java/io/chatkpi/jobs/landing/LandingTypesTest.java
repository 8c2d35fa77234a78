package io.chatkpi.jobs.landing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatkpi.jobs.common.JobConfig;
import java.util.Map;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class LandingTypesTest {

    @Test
    void recordsTravelAsFlinkPojos() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RawRecord.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(LandedEvent.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RejectedRecord.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ParsedRecord.class);
    }

    @Test
    void sourcePositionNamesTopicPartitionAndOffset() {
        assertThat(RawRecord.of("session-events", 2, 1234, "x").sourcePosition()).isEqualTo("kafka:session-events:2:1234");
    }

    @Test
    void optionsComeFromArgumentsThenEnvironmentThenDefaults() {
        JobConfig config = JobConfig.fromArgs(
                new String[] {"--bootstrap-servers", "kafka:9092", "--batch-size=100", "--starting-offsets", "latest"},
                Map.of("CHATKPI_BATCH_SIZE", "7", "CHATKPI_CLICKHOUSE_URL", "http://ch:8123/", "CHATKPI_GROUP_ID", "g"));
        RawEventsJob.Options o = RawEventsJob.Options.from(config);
        assertThat(o.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(o.clickhouse().batchSize()).isEqualTo(100);
        assertThat(o.clickhouse().jdbcUrl()).isEqualTo("jdbc:clickhouse://ch:8123");
        assertThat(o.clickhouse().batchIntervalMs()).isEqualTo(1000);
        assertThat(o.groupId()).isEqualTo("g");
        assertThat(o.startingOffsets()).isEqualTo(RawEventsJob.StartingOffsets.LATEST);
        assertThat(o.runtime().checkpointIntervalMs()).isEqualTo(60_000);
        assertThat(config.unknownArguments()).isEmpty();
    }

    @Test
    void runtimeOptionsTurnOnCheckpointingAndAFixedDelayRestartStrategy() {
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        io.chatkpi.jobs.common.RuntimeOptions.from(JobConfig.fromArgs(
                new String[] {"--restart-attempts", "4", "--restart-delay-ms", "1500"}, Map.of())).applyTo(env);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(60_000);
        org.apache.flink.configuration.Configuration c = (org.apache.flink.configuration.Configuration) env.getConfiguration();
        assertThat(c.get(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(c.get(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(4);
        assertThat(c.get(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY))
                .isEqualTo(java.time.Duration.ofMillis(1500));
        assertThat(env.getConfig().isObjectReuseEnabled()).as("records shared between chained operators").isTrue();
    }

    @Test
    void typosAreReportedNotIgnored() {
        JobConfig config = JobConfig.fromArgs(new String[] {"--batch-sise", "10"}, Map.of());
        RawEventsJob.Options.from(config);
        assertThat(config.unknownArguments()).containsExactly("batch-sise");
        assertThatThrownBy(() -> RawEventsJob.Options.from(JobConfig.fromArgs(new String[] {"--batch-size", "x"}, Map.of())))
                .hasMessageContaining("--batch-size: not an integer");
        assertThatThrownBy(() -> RawEventsJob.Options.from(JobConfig.fromArgs(new String[] {"--starting-offsets", "middle"}, Map.of())))
                .hasMessageContaining("committed, earliest or latest");
    }
}
