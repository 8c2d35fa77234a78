-- Counts by detail of the facts that carry one (NOT_ROUTED: reason, ENDED: by whom, INACTIVE: REP|AUTO), per time
-- bucket or over the whole range (granularity 'total', bucket 0). Buckets as in kpi_series.sql.
SELECT
    multiIf(
        {{granularity:String}} = '1m', toUInt32(toStartOfMinute(at)),
        {{granularity:String}} = '5m', toUInt32(toStartOfFiveMinute(at)),
        {{granularity:String}} = '15m', toUInt32(toStartOfFifteenMinutes(at)),
        {{granularity:String}} = '1h', toUInt32(toStartOfHour(at, {{tz:String}})),
        {{granularity:String}} = '1d', toUInt32(toStartOfDay(at, {{tz:String}})),
        toUInt32(0)) AS bucket,
    kind,
    detail,
    count() AS n
FROM kpi_facts FINAL
WHERE deleted = 0
  AND kind IN ('NOT_ROUTED', 'ENDED', 'INACTIVE')
  AND at >= {{from:DateTime}} AND at < {{to:DateTime}}
  AND ({{queueId:String}} = '' OR queueId = {{queueId:String}})
  AND ({{repId:String}} = '' OR repId = {{repId:String}})
GROUP BY bucket, kind, detail
ORDER BY bucket, kind, detail
