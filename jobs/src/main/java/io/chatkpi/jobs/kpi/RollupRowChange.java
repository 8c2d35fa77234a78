package io.chatkpi.jobs.kpi;

/**
 * One fact added to ({@code sign} +1) or subtracted from (-1) one {@code kpi_rollup} row. A fact belongs to three
 * rows: grain 0 (all queues and reps: queueId = repId = ""), grain 1 (its queue, repId = "") and grain 2 (its
 * queue and rep), all in the 15-minute slot of its {@code at} (see {@code sql/schema/004_kpi_rollup.sql}).
 *
 * @param slotMs  the slot's start, epoch ms (a multiple of {@link #SLOT_MS})
 * @param kind    the fact's kind name
 * @param valueMs the fact's duration, null for kinds without one
 */
public record RollupRowChange(int grain, long slotMs, String queueId, String repId, String kind, String detail,
        boolean flag, int sign, Long valueMs) {

    /** toStartOfFifteenMinutes: every zone offset in use is a multiple of it. */
    public static final long SLOT_MS = 15 * 60 * 1000L;

    public static long slotOf(long atMs) {
        return Math.floorDiv(atMs, SLOT_MS) * SLOT_MS;
    }

    /** The three row changes of adding ({@code sign} = 1) or subtracting (-1) a fact. */
    public static RollupRowChange[] of(KpiFact fact, int sign) {
        long slot = slotOf(fact.atMs());
        String kind = fact.kind().name();
        String detail = fact.detail() == null ? "" : fact.detail();
        String queue = fact.queueId() == null ? "" : fact.queueId();
        String rep = fact.repId() == null ? "" : fact.repId();
        return new RollupRowChange[] {
            new RollupRowChange(0, slot, "", "", kind, detail, fact.flag(), sign, fact.valueMs()),
            new RollupRowChange(1, slot, queue, "", kind, detail, fact.flag(), sign, fact.valueMs()),
            new RollupRowChange(2, slot, queue, rep, kind, detail, fact.flag(), sign, fact.valueMs())
        };
    }

    /**
     * A row's identity as a value: cheaper to hash and compare than {@link #rowKey()} (its parts are the facts' own
     * strings), for what stays inside one operator instance.
     */
    record RowId(int grain, long slotMs, String queueId, String repId, String kind, String detail, boolean flag) {}

    /** This change's row (see {@link RowId}). */
    RowId rowId() {
        return new RowId(grain, slotMs, queueId, repId, kind, detail, flag);
    }

    /** The row's slot end: changes to it stop after this plus the rollup's horizon. */
    public long slotEndMs() {
        return slotMs + SLOT_MS;
    }

    /**
     * The row's identity as one String, to key by: a String's hash is the same in every JVM (a record's or enum's
     * is not guaranteed to be). Lengths prefix the free-text parts, so no two rows share a key.
     */
    public String rowKey() {
        return rowKey(grain, slotMs, flag, queueId, repId, kind, detail);
    }

    /** The key of the row with this identity (see {@link #rowKey()}); the rollup's state is keyed by it. */
    static String rowKey(int grain, long slotMs, boolean flag, String queueId, String repId, String kind,
            String detail) {
        return grain + "|" + slotMs + "|" + (flag ? 1 : 0) + "|" + queueId.length() + ":" + queueId
                + repId.length() + ":" + repId + kind + "|" + detail.length() + ":" + detail;
    }
}
