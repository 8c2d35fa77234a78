-- ./chatkpi bench: the kpi_facts rows the KPI endpoint reads over (the synthetic dataset's size, as reported).
SELECT count() AS facts FROM kpi_facts
