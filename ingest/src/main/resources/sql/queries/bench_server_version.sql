-- ./chatkpi bench: the server version, for the machine section of the results.
SELECT version() AS version
