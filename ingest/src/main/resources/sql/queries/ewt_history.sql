-- The live EWT the jobs published (queue_ewt), per queue and time bucket: how many changes, the sum and count of
-- the non-null estimates (the API divides: an average of the published estimates, never an average of averages)
-- and the largest one. Buckets cut in the request's zone exactly as in kpi_series.sql (offsets / transitions /
-- localTransitions from the API).
SELECT
    multiIf(
        {{bucketSeconds:Int64}} <= 0, toInt64(0),
        {{bucketSeconds:Int64}} < 86400,
        intDiv((toInt64(toUInt32(asOf)) AS ts)
               + (arrayElement({{offsets:Array(Int64)}}, arrayCount(x -> x <= ts, {{transitions:Array(Int64)}})) AS off),
               greatest({{bucketSeconds:Int64}}, 1)) * {{bucketSeconds:Int64}} - off,
        (intDiv(ts + off, 86400) * 86400 AS localMidnight)
            - arrayElement({{offsets:Array(Int64)}},
                           arrayCount(x -> x <= localMidnight, {{localTransitions:Array(Int64)}}))) AS bucket,
    queueId,
    count() AS changes,
    countIf(isNotNull(estimatedWaitMs)) AS estimateCount,
    sumIf(ifNull(estimatedWaitMs, 0), isNotNull(estimatedWaitMs)) AS estimateSum,
    maxIf(ifNull(estimatedWaitMs, 0), isNotNull(estimatedWaitMs)) AS estimateMax
FROM queue_ewt FINAL
WHERE asOf >= {{from:DateTime}} AND asOf < {{to:DateTime}}
  AND ({{queueId:String}} = '' OR queueId = {{queueId:String}})
GROUP BY bucket, queueId
ORDER BY bucket, queueId
