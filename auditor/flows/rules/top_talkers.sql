-- The pairs that moved the most bytes in the window (the report's top talkers).
SELECT srcaddr, dstaddr, SUM(bytes) AS total_bytes, {{ records }} AS flows
FROM {{ flows }}
WHERE log_status = 'OK' AND {{ window }}
GROUP BY srcaddr, dstaddr
ORDER BY total_bytes DESC, srcaddr, dstaddr
LIMIT {{ p.top_n }}
