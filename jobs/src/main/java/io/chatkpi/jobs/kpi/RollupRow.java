package io.chatkpi.jobs.kpi;

/**
 * One row of {@code kpi_rollup} (see {@code sql/schema/004_kpi_rollup.sql}) as {@link KpiRollupFunction} writes it.
 *
 * @param slotMs     the slot's start, epoch ms (the sink writes it as the {@code slot} DateTime)
 * @param valueMaxMs exact maximum of the current values, 0 when there are none
 * @param histKeys   {@link io.chatkpi.ingest.kpi.LogHistogram} keys, ascending, only those with counts
 * @param histCounts the count of each key
 * @param version    the number of changes applied to the row: the higher wins in ClickHouse
 */
public record RollupRow(int grain, long slotMs, String queueId, String repId, String kind, String detail,
        boolean flag, long facts, long valueCount, long valueSumMs, long valueMaxMs, int[] histKeys,
        long[] histCounts, long version) {

    @Override
    public boolean equals(Object o) {
        return o instanceof RollupRow r && grain == r.grain && slotMs == r.slotMs && queueId.equals(r.queueId)
                && repId.equals(r.repId) && kind.equals(r.kind) && detail.equals(r.detail) && flag == r.flag
                && facts == r.facts && valueCount == r.valueCount && valueSumMs == r.valueSumMs
                && valueMaxMs == r.valueMaxMs && java.util.Arrays.equals(histKeys, r.histKeys)
                && java.util.Arrays.equals(histCounts, r.histCounts) && version == r.version;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(grain, slotMs, queueId, repId, kind, detail, flag, facts, valueCount,
                valueSumMs, valueMaxMs, java.util.Arrays.hashCode(histKeys), java.util.Arrays.hashCode(histCounts),
                version);
    }

    /** The row as text, arrays included (a record's own toString shows arrays as references). */
    @Override
    public String toString() {
        return "RollupRow[" + grain + " " + java.time.Instant.ofEpochMilli(slotMs) + " " + queueId + "/" + repId + " "
                + kind + " " + detail + " " + flag + ": facts=" + facts + " values=" + valueCount + " sum="
                + valueSumMs + " max=" + valueMaxMs + " hist=" + java.util.Arrays.toString(histKeys) + "x"
                + java.util.Arrays.toString(histCounts) + " v" + version + "]";
    }
}
