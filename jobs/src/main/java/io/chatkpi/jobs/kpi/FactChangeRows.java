package io.chatkpi.jobs.kpi;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * A fact change as {@code kpi_rollup} row changes: the previous fact (unless none or deleted) subtracted from its
 * three rows, the new one (unless deleted) added to its. A change that leaves a row's contribution as it was (same
 * row, same value) gives nothing for that row.
 */
public class FactChangeRows implements FlatMapFunction<FactChange, RollupRowChange> {

    @Override
    public void flatMap(FactChange change, Collector<RollupRowChange> out) {
        KpiFact before = change.previous() == null || change.previous().deleted() ? null : change.previous();
        KpiFact after = change.current() == null || change.current().deleted() ? null : change.current();
        RollupRowChange[] subtract = before == null ? null : RollupRowChange.of(before, -1);
        RollupRowChange[] add = after == null ? null : RollupRowChange.of(after, 1);
        for (int grain = 0; grain < 3; grain++) {
            if (subtract != null && add != null && sameRowAndValue(subtract[grain], add[grain])) {
                continue;
            }
            if (subtract != null) {
                out.collect(subtract[grain]);
            }
            if (add != null) {
                out.collect(add[grain]);
            }
        }
    }

    /** By {@link RollupRowChange.RowId}: building the two row keys was a fifth of the combining's JFR samples. */
    private static boolean sameRowAndValue(RollupRowChange a, RollupRowChange b) {
        return a.rowId().equals(b.rowId()) && java.util.Objects.equals(a.valueMs(), b.valueMs());
    }
}
