-- Module 4, "Suspicious SSH activity": rejected attempts on one port (22 for SSH, 3389 for RDP) per
-- source over the threshold (100 by default).
SELECT {{ provider }} AS provider, account_id, {{ region }} AS region, srcaddr,
    {{ records }} AS attempts, COUNT(DISTINCT dstaddr) AS targets
FROM {{ flows }}
WHERE action = 'REJECT' AND log_status = 'OK' AND dstport = {{ port }} AND {{ window }}
GROUP BY {{ provider }}, account_id, {{ region }}, srcaddr
HAVING {{ records }} > {{ threshold }}
ORDER BY attempts DESC, srcaddr, provider, account_id, region
