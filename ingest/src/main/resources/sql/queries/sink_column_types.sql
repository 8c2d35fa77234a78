-- The jobs' ClickHouse sinks: the type of every column of a table, to encode inserted rows as RowBinary.
SELECT name, type FROM system.columns WHERE database = {{database:String}} AND table = {{table:String}}
