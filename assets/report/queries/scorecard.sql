SELECT subdistrict, targets, targets_visited_week, visits_week, hazards_overdue, hazards_major_open,
    reviews_ytd, reviews_passed_ytd, overdue_change, major_change, rank
FROM subdistrict_scorecard WHERE week = getvariable('week') ORDER BY rank, subdistrict
