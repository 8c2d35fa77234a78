-- ./chatkpi bench: the kpi_rollup rows (all grains) of the range the KPI endpoint is asked for, once rebuilt.
SELECT count() AS rows FROM kpi_rollup FINAL WHERE slot >= {{from:DateTime}} AND slot < {{to:DateTime}}
