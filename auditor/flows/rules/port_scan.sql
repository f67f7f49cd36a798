-- Module 4, "Port scan detected": one source reaching many distinct destination ports. Flows whose source
-- port is a well-known one (< 1024) are replies of a server, not probes, and are left out.
SELECT {{ provider }} AS provider, account_id, {{ region }} AS region, srcaddr,
    COUNT(DISTINCT dstport) AS ports, COUNT(DISTINCT dstaddr) AS targets, {{ records }} AS flows,
    SUM(CASE WHEN action = 'REJECT' THEN {{ one }} ELSE 0 END) AS rejected
FROM {{ flows }}
WHERE log_status = 'OK' AND srcport >= 1024 AND {{ window }}
GROUP BY {{ provider }}, account_id, {{ region }}, srcaddr
HAVING COUNT(DISTINCT dstport) >= {{ p.scan_ports }}
ORDER BY ports DESC, srcaddr, provider, account_id, region
