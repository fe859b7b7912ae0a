-- Next week's 双随机 checks as counts by department (what a distributed report may say).
SELECT dept, count(*) AS total, count(*) FILTER (status = '未派员') AS unstaffed,
    count(*) FILTER (status = '不予检查') AS not_checked
FROM spot_checks WHERE week = getvariable('week') GROUP BY dept ORDER BY total DESC, dept
