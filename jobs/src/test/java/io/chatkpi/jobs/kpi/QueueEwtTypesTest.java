package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatkpi.ingest.ewt.EwtFigures;
import io.chatkpi.ingest.ewt.EwtSnapshot;
import io.chatkpi.ingest.ewt.WaitSample;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** What the EWT operator takes in, keeps and emits travels as Flink POJOs, without Kryo. */
class QueueEwtTypesTest {

    @Test
    void everyTypeIsAPojoWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(QueueSignal.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(WaitSample.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(EwtFigures.class);
        // the List<WaitSample> field gets Flink's own list serializer (no generic type), so this holds too
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(EwtSnapshot.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(EwtAccuracyRow.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(QueueEwtFunction.OpenPrediction.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(LiveEwtFunction.LiveSample.class);
        assertThat(QueueEwtFunction.ACCURACY.getTypeInfo()).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void snapshotsAndRowsRoundTripWithNulls() throws Exception {
        EwtSnapshot known = new EwtSnapshot("billing", 1_000L, new EwtFigures(41_000L, 39_000L, 38_000L, 52_000L, 2),
                List.of(new WaitSample(1_000L, 44_000L), new WaitSample(900L, 34_000L)));
        EwtSnapshot unknown = new EwtSnapshot("billing", 2_000L, EwtFigures.UNKNOWN, List.of());
        assertThat(roundTrip(EwtSnapshot.class, known)).isEqualTo(known);
        assertThat(roundTrip(EwtSnapshot.class, unknown)).isEqualTo(unknown);
        EwtAccuracyRow open = new EwtAccuracyRow("billing", "s1", 5L, null, 0, null, false);
        assertThat(roundTrip(EwtAccuracyRow.class, open)).isEqualTo(open);
    }

    private static <T> T roundTrip(Class<T> type, T value) throws Exception {
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(value, out);
        T back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(serializer.copy(value)).isEqualTo(value);
        return back;
    }
}
