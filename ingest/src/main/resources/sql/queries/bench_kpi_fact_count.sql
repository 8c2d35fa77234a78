-- ./chatkpi bench: the kpi_facts rows in the range the KPI endpoint is asked for (the synthetic dataset's size).
SELECT count() AS facts FROM kpi_facts WHERE at >= {{from:DateTime}} AND at < {{to:DateTime}}
