-- Module 4, "Find rejected traffic (potential attacks)": the most rejected (source, destination, port).
SELECT srcaddr, dstaddr, dstport, {{ records }} AS flows
FROM {{ flows }}
WHERE action = 'REJECT' AND log_status = 'OK' AND {{ window }}
GROUP BY srcaddr, dstaddr, dstport
ORDER BY flows DESC, srcaddr, dstaddr, dstport
LIMIT {{ p.top_n }}
