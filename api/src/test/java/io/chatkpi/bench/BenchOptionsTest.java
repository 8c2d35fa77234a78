package io.chatkpi.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatkpi.bench.BenchOptions.Part;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bench's command line: what it runs and how the API's own JVM is started. */
class BenchOptionsTest {

    private static final Path HOME = Path.of("/tmp/chatkpi-home");

    @Test
    void onlyTakesOnePartOrSeveral() {
        assertThat(BenchOptions.parse(new String[] {}, HOME).parts()).containsExactlyInAnyOrder(Part.values());
        assertThat(BenchOptions.parse(new String[] {"--only", "api"}, HOME).parts()).containsExactly(Part.API);
        assertThat(BenchOptions.parse(new String[] {"--only", "freshness,api"}, HOME).parts())
                .containsExactlyInAnyOrder(Part.FRESHNESS, Part.API);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--only", "api,kpis"}, HOME))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'kpis'");
    }

    @Test
    void theApiJvmGetsTheRecommendedOptionsUnlessToldOtherwise() {
        assertThat(BenchOptions.parse(new String[] {}, HOME).apiJvmOptions())
                .isEqualTo(ApiProcess.RECOMMENDED_JVM_OPTIONS).contains("-Xmx");
        assertThat(BenchOptions.parse(new String[] {"--api-jvm-options", "-Xmx1g -XX:+UseG1GC"}, HOME)
                .apiJvmOptions()).isEqualTo("-Xmx1g -XX:+UseG1GC");
        assertThat(BenchOptions.USAGE).contains(ApiProcess.RECOMMENDED_JVM_OPTIONS);
    }

    @Test
    void thePipelineFigureIsOfTheTwoJobsUnlessToldOne() {
        assertThat(BenchOptions.parse(new String[] {}, HOME).pipelineJobs()).isEqualTo(BenchOptions.PipelineJobs.TWO);
        assertThat(BenchOptions.parse(new String[] {"--jobs", "one"}, HOME).pipelineJobs())
                .isEqualTo(BenchOptions.PipelineJobs.ONE);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--jobs", "three"}, HOME))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--jobs must be two or one");
    }
}
