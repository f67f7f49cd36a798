-- Module 4 baseline table, "Outbound traffic: normal 10 GB/day, alert > 50 GB/day": bytes to destinations
-- outside the private ranges per account and UTC day, with the threshold applied.
WITH per_destination AS (
    SELECT {{ provider }} AS provider, account_id, {{ region }} AS region,
        CAST(floor("start" / 86400.0) AS BIGINT) AS day, dstaddr, SUM(bytes) AS total_bytes
    FROM {{ flows }}
    WHERE action = 'ACCEPT' AND log_status = 'OK' AND {{ window }}
    GROUP BY {{ provider }}, account_id, {{ region }}, CAST(floor("start" / 86400.0) AS BIGINT), dstaddr
    HAVING {{ public('MIN(dstaddr)') }}
)
SELECT provider, account_id, region, day, SUM(total_bytes) AS outbound_bytes,
    SUM(total_bytes) > {{ p.outbound_bytes_per_day }} AS over_threshold
FROM per_destination
GROUP BY provider, account_id, region, day
ORDER BY provider, account_id, region, day
