-- Counts by detail of the facts that carry one (NOT_ROUTED: reason, ENDED: by whom, INACTIVE: REP|AUTO), per time
-- bucket or over the whole range (bucketSeconds 0, bucket 0). Buckets as in kpi_series.sql.
SELECT
    multiIf(
        {{bucketSeconds:Int64}} <= 0, toInt64(0),
        {{bucketSeconds:Int64}} < 86400,
        intDiv((toInt64(toUInt32(at)) AS ts)
               + (arrayElement({{offsets:Array(Int64)}}, arrayCount(x -> x <= ts, {{transitions:Array(Int64)}})) AS off),
               greatest({{bucketSeconds:Int64}}, 1)) * {{bucketSeconds:Int64}} - off,
        (intDiv(ts + off, 86400) * 86400 AS localMidnight)
            - arrayElement({{offsets:Array(Int64)}},
                           arrayCount(x -> x <= localMidnight, {{localTransitions:Array(Int64)}}))) AS bucket,
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
