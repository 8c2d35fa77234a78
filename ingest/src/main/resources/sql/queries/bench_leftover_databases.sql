-- ./chatkpi bench: databases of earlier runs on this server, dropped when a run starts (dropping at the end of a
-- run would wait for the merges of its 100 million KPI rows).
SELECT name FROM system.databases WHERE startsWith(name, 'bench_') AND name != {{current:String}} ORDER BY name
