package io.chatkpi.jobs.kpi;

/**
 * One change of a {@code kpi_facts} row as {@link SessionKpiFunction} emits it: what was emitted before for the
 * factId (null the first time) and what replaces it (a retraction is {@code current} with {@code deleted = true}).
 * The rollup ({@link KpiRollupFunction}) subtracts {@code previous} and adds {@code current}, each unless deleted.
 *
 * @param previous the fact last emitted for this factId, or null
 * @param current  the fact emitted now; never null
 */
public record FactChange(KpiFact previous, KpiFact current) {
}
