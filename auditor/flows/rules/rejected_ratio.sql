-- Module 4 baseline table, "Rejected flows: normal < 1 %, alert > 5 %": the share of rejected flows per
-- account, with the threshold applied.
SELECT {{ provider }} AS provider, account_id, {{ region }} AS region, {{ records }} AS flows,
    SUM(CASE WHEN action = 'REJECT' THEN {{ one }} ELSE 0 END) AS rejected,
    CAST(SUM(CASE WHEN action = 'REJECT' THEN {{ one }} ELSE 0 END) AS DOUBLE) / {{ records }} AS ratio,
    CAST(SUM(CASE WHEN action = 'REJECT' THEN {{ one }} ELSE 0 END) AS DOUBLE) / {{ records }} > {{ p.rejected_ratio }}
        AS over_threshold
FROM {{ flows }}
WHERE log_status = 'OK' AND {{ window }}
GROUP BY {{ provider }}, account_id, {{ region }}
ORDER BY provider, account_id, region
