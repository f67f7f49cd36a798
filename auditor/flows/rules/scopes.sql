-- Which provider / account / region the window holds records for (a rule with no finding there PASSes).
SELECT {{ provider }} AS provider, account_id, {{ region }} AS region, {{ records }} AS flows,
    SUM(CASE WHEN action = 'REJECT' THEN {{ one }} ELSE 0 END) AS rejected
FROM {{ flows }}
WHERE {{ window }} AND log_status = 'OK'
GROUP BY {{ provider }}, account_id, {{ region }}
ORDER BY provider, account_id, region
