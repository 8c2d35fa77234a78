package io.chatkpi.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** wrk 4.1.0's --latency reports, as it printed them here (against ClickHouse's /ping and an unknown path). */
class WrkLoadTest {

    private static final String OK = """
            Running 2s test @ http://127.0.0.1:34847/ping
              2 threads and 8 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.43ms    5.13ms  70.55ms   96.12%
                Req/Sec    10.46k     4.71k   20.08k    67.50%
              Latency Distribution
                 50%  232.00us
                 75%  662.00us
                 90%    2.74ms
                 99%   26.13ms
              41800 requests in 2.03s, 5.02MB read
            Requests/sec:  20623.69
            Transfer/sec:      2.48MB
            """;

    private static final String ERRORS = """
            Running 2s test @ http://127.0.0.1:34847/nosuch
              2 threads and 8 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.45ms    3.84ms  55.13ms   96.83%
                Req/Sec     1.95k   618.48     3.85k    72.50%
              Latency Distribution
                 50%  699.00us
                 75%    1.28ms
                 90%    2.42ms
                 99%   1.02s
              7858 requests in 2.05s, 3.49MB read
              Socket errors: connect 0, read 7858, write 0, timeout 3
              Non-2xx or 3xx responses: 7858
            Requests/sec:   3828.63
            Transfer/sec:      1.70MB
            """;

    @Test
    void readsRequestsPercentilesInMsAndRate() {
        WrkLoad.Report r = WrkLoad.parse(OK);
        assertThat(r.requests()).isEqualTo(41_800);
        assertThat(r.seconds()).isCloseTo(2.03, within(1e-9));
        assertThat(r.p50Ms()).isCloseTo(0.232, within(1e-9));
        assertThat(r.p99Ms()).isCloseTo(26.13, within(1e-9));
        assertThat(r.rps()).isCloseTo(41_800 / 2.03, within(1e-6));
        assertThat(r.errors()).isZero();
    }

    @Test
    void errorAnswersAndSocketErrorsCountOnce() {
        WrkLoad.Report r = WrkLoad.parse(ERRORS);
        assertThat(r.p50Ms()).isCloseTo(0.699, within(1e-9));
        assertThat(r.p99Ms()).isCloseTo(1020, within(1e-9));
        // 7,858 error answers, each also a read error when the server closed the connection; plus 3 timeouts
        assertThat(r.errors()).isEqualTo(7_861);
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> WrkLoad.parse("wrk: unable to connect to 127.0.0.1:1 Connection refused"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a wrk --latency report");
    }
}
