-- Module 4, "Large outbound transfers to new destinations": bytes to a destination outside the private
-- ranges that the baseline window never saw, over the threshold (100 MB by default).
WITH seen AS (
    SELECT DISTINCT dstaddr
    FROM {{ flows }}
    WHERE log_status = 'OK' AND {{ baseline_window }}
), transfers AS (
    SELECT {{ provider }} AS provider, account_id, {{ region }} AS region, srcaddr, dstaddr,
        SUM(bytes) AS total_bytes, {{ records }} AS flows
    FROM {{ flows }}
    WHERE action = 'ACCEPT' AND log_status = 'OK' AND {{ window }}
    GROUP BY {{ provider }}, account_id, {{ region }}, srcaddr, dstaddr
    HAVING SUM(bytes) > {{ p.new_destination_bytes }} AND {{ public('MIN(dstaddr)') }}
)
SELECT t.provider, t.account_id, t.region, t.srcaddr, t.dstaddr, t.total_bytes, t.flows
FROM transfers t
WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE s.dstaddr = t.dstaddr)
ORDER BY t.total_bytes DESC, t.srcaddr, t.dstaddr, t.provider, t.account_id, t.region
