-- Stops a query the API gave up waiting for (its own timeout, a 504), so that it does not keep running until the
-- profile's max_execution_time. Run as the pipeline's (default) user: a readonly user may not kill others' queries.
-- ASYNC: the API does not wait for the query to end; the rows name what was asked to stop (none: not running).
KILL QUERY WHERE query_id = {{query_id:String}} ASYNC
