-- Module 4, "Unusual outbound traffic (data exfiltration)": bytes from a source to one destination
-- outside the private ranges over the threshold (1 GB by default).
SELECT {{ provider }} AS provider, account_id, {{ region }} AS region, srcaddr, dstaddr,
    SUM(bytes) AS total_bytes, {{ records }} AS flows
FROM {{ flows }}
WHERE action = 'ACCEPT' AND log_status = 'OK' AND {{ window }}
GROUP BY {{ provider }}, account_id, {{ region }}, srcaddr, dstaddr
HAVING SUM(bytes) > {{ p.exfil_bytes }} AND {{ public('MIN(dstaddr)') }}
ORDER BY total_bytes DESC, srcaddr, dstaddr, provider, account_id, region
