package io.chatkpi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void cpuTimeOfThisJvmGrowsWithWorkAndAgreesWithProcStat() {
        Double before = ProcessCpu.ofThisJvm();
        long sink = 0;
        long until = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < until) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }
        Double after = ProcessCpu.ofThisJvm();
        assertThat(sink).isNotNegative();
        assertThat(ProcessCpu.between(before, after)).as("300 ms of spinning").isGreaterThan(0.1);
        Double fromProc = ProcessCpu.ofProcess(ProcessHandle.current().pid());
        assertThat(fromProc).as("/proc/self/stat in seconds, ticks of 10 ms").isCloseTo(after, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void anUnknownProcessHasNoCpuTime() {
        assertThat(ProcessCpu.ofProcess(-1)).isNull();
        assertThat(ProcessCpu.ofProcess(Long.MAX_VALUE)).isNull();
        assertThat(ProcessCpu.between(null, 1.0)).isNull();
    }
}
