package io.chatkpi.jobs.kpi;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

import io.chatkpi.ingest.event.SessionEvent;

import org.junit.jupiter.api.Test;

/** What travels between operators and sits in state must be a Flink POJO, never a Kryo blob. */
class SessionRecordsPojoTest {

    @Test
    void sessionRowIsAPojo() {
        assertSerializedAsPojoWithoutKryo(SessionRow.class);
    }

    @Test
    void kpiFactIsAPojo() {
        assertSerializedAsPojoWithoutKryo(KpiFact.class);
    }

    @Test
    void factChangeIsAPojo() {
        assertSerializedAsPojoWithoutKryo(FactChange.class);
    }

    @Test
    void rollupTypesArePojos() {
        assertSerializedAsPojoWithoutKryo(RollupRowChange.class);
        assertSerializedAsPojoWithoutKryo(RollupRowDelta.class);
        assertSerializedAsPojoWithoutKryo(RollupRow.class);
        assertSerializedAsPojoWithoutKryo(KpiRollupFunction.RollupState.class);
        assertSerializedAsPojoWithoutKryo(CoarseRollupRow.class);
        assertSerializedAsPojoWithoutKryo(KpiRollupCoarsening.DayState.class);
    }

    @Test
    void queueSignalAndSessionEventArePojos() {
        assertSerializedAsPojoWithoutKryo(QueueSignal.class);
        assertSerializedAsPojoWithoutKryo(SessionEvent.class);
    }
}
