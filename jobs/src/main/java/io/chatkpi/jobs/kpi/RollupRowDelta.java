package io.chatkpi.jobs.kpi;

/**
 * What a run of {@link RollupRowChange}s did to one {@code kpi_rollup} row (see {@link RollupRowCombiner}): facts
 * without a value added and subtracted, and the values of facts with one added and subtracted, in arrival order.
 * {@link KpiRollupFunction} applies the additions first: where every subtraction matches an earlier addition (as
 * the session operator's changes do), the order within the run does not change the row.
 */
public record RollupRowDelta(int grain, long slotMs, String queueId, String repId, String kind, String detail,
        boolean flag, int factsAdded, int factsSubtracted, long[] valuesAdded, long[] valuesSubtracted) {

    /** One change as a delta. */
    public static RollupRowDelta of(RollupRowChange change) {
        boolean add = change.sign() > 0;
        long[] value = change.valueMs() == null ? new long[0] : new long[] {change.valueMs()};
        int fact = change.valueMs() == null ? 1 : 0;
        return new RollupRowDelta(change.grain(), change.slotMs(), change.queueId(), change.repId(), change.kind(),
                change.detail(), change.flag(), add ? fact : 0, add ? 0 : fact, add ? value : new long[0],
                add ? new long[0] : value);
    }

    /** The same key as the row's {@link RollupRowChange#rowKey()}. */
    public String rowKey() {
        return RollupRowChange.rowKey(grain, slotMs, flag, queueId, repId, kind, detail);
    }

    /** The row changes it stands for. */
    public int changes() {
        return factsAdded + factsSubtracted + valuesAdded.length + valuesSubtracted.length;
    }
}
