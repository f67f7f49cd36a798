-- What the window holds: records, accepted / rejected flows, bytes, and the baseline before it.
SELECT
    SUM(CASE WHEN {{ window }} THEN {{ one }} ELSE 0 END) AS records_in_window,
    SUM(CASE WHEN {{ baseline_window }} THEN {{ one }} ELSE 0 END) AS baseline_records,
    SUM(CASE WHEN {{ window }} AND log_status = 'OK' AND action = 'ACCEPT' THEN {{ one }} ELSE 0 END) AS accepted_flows,
    SUM(CASE WHEN {{ window }} AND log_status = 'OK' AND action = 'REJECT' THEN {{ one }} ELSE 0 END) AS rejected_flows,
    SUM(CASE WHEN {{ window }} AND log_status = 'OK' THEN bytes ELSE 0 END) AS bytes_in_window
FROM {{ flows }}
WHERE {{ analysed_span }}
