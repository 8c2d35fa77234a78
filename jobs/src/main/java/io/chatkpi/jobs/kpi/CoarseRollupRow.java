package io.chatkpi.jobs.kpi;

/**
 * One row of {@code kpi_rollup_coarse} (see {@code sql/schema/005_kpi_rollup_coarse.sql}) as
 * {@link KpiRollupCoarsening} writes it: the {@code kpi_rollup} rows of one hour or one UTC day added up.
 *
 * @param spanSeconds 3,600 (an hour) or 86,400 (a UTC day)
 * @param row         the sums, with {@code slotMs} = the span's start and {@code version} = the sum of the versions
 *                    of the rows added up
 */
public record CoarseRollupRow(int spanSeconds, RollupRow row) {

    public static final int HOUR_SECONDS = 3_600;
    public static final int DAY_SECONDS = 86_400;
}
