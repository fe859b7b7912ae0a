"""Derive (派生): who to help, who helps, how, and how it is managed — one week at a time.

One multi-asset builds every derived table in one transaction (see ``build.py``), with
the run configuration from the launchpad (defaults: ``pipeline/bangfu.yaml``).  Its
checks are declared here, next to it, and evaluated on the week just built.
"""

import datetime as dt

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetSpec,
    Config,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from assets.derive.build import build_week
from assets.ingest import LEDGER_SPECS
from pipeline.config import (
    DEFAULT_CONFIG,
    Assignment,
    BangfuConfig,
    KeyEnterprises,
    Links,
    Report,
    Scoring,
    SpotChecks,
    Targets,
)
from pipeline.resources import POOL
from pipeline.weeks import week_label, weekly_partitions

DERIVED = {
    "subdistrict_profile": "街道画像：各街道的单位构成、风险特征、隐患与标准化情况",
    "unit_risk": "风险评分：每个单位的得分及各分项",
    "priority_targets": "帮扶对象：按全域覆盖、突出重点、引领带动选出的重点单位及理由",
    "key_enterprises": "包保重点企业：由局干部一对一包保的工贸企业",
    "department_links": "部门驻点：区直单位与街道的一一对应及理由",
    "team_roster": "“8+1+1”队伍名册：区直单位、帮扶工作队、专家",
    "cadre_assignments": "干部包保安排（下周）",
    "expert_assignments": "专家指导安排（下周）",
    "inspection_pairs": "“执法人员+专家”检查组（下周）",
    "spot_checks": "双随机抽查名单（下周）",
    "weekly_progress": "周进展：各街道与全区的本周与全年累计数字",
}
PRIVATE = {"phone", "licence"}


class DeriveConfig(Config):
    """The run's configuration; defaults are pipeline/bangfu.yaml, every value validated."""

    district: str = DEFAULT_CONFIG.district
    bureau: str = DEFAULT_CONFIG.bureau
    scoring: Scoring = DEFAULT_CONFIG.scoring
    targets: Targets = DEFAULT_CONFIG.targets
    key_enterprises: KeyEnterprises = DEFAULT_CONFIG.key_enterprises
    links: Links = DEFAULT_CONFIG.links
    assignment: Assignment = DEFAULT_CONFIG.assignment
    spot_checks: SpotChecks = DEFAULT_CONFIG.spot_checks
    report: Report = DEFAULT_CONFIG.report

    def effective(self) -> BangfuConfig:
        return BangfuConfig(version=DEFAULT_CONFIG.version, **dict(self))


def check(name: str, asset: str, description: str, blocking: bool = True) -> AssetCheckSpec:
    return AssetCheckSpec(name, asset=asset, description=description, blocking=blocking)


CHECKS = [
    check("targets_covered", "priority_targets", "每个帮扶对象都有包保干部和专家（未覆盖的列出原因）",
          blocking=False),
    check("experts_within_cap", "expert_assignments", "专家本周安排不超过其每周服务上限"),
    check("no_conflict_of_interest", "expert_assignments", "专家不指导本人工作单位（回避）"),
    check("subdistricts_linked_once", "department_links", "每个街道恰好有一个驻点部门，每个部门至多一个街道"),
    check("totals_agree", "weekly_progress", "全区数字与各街道之和、与台账汇总数字一致"),
]


@multi_asset(
    specs=[AssetSpec(key, group_name="derived", kinds={"duckdb"}, description=text,
                     deps=[spec.key for spec in LEDGER_SPECS]) for key, text in DERIVED.items()],
    check_specs=CHECKS, partitions_def=weekly_partitions, can_subset=False, pool=POOL)
def derive(context: AssetExecutionContext, config: DeriveConfig, duckdb: DuckDBResource):
    """Build the week's derived tables in one transaction, then check them."""
    start = dt.date.fromisoformat(context.partition_key)
    week = week_label(start)
    with duckdb.get_connection() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            counts = build_week(con, start, config.effective())
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        context.log.info(f"{week}: 双随机抽查种子 {seed_of(con, week)}")
        results = [result(con, key, counts.get(key, 0), week) for key in DERIVED]
        checks = [c(con, week) for c in CHECK_FUNCTIONS]
    yield from results
    yield from checks


def seed_of(con, week: str) -> str:
    return con.execute("SELECT spot_seed FROM run_settings WHERE week = ?", [week]).fetchall()[0][0]


def result(con, key: str, rows: int, week: str) -> MaterializeResult:
    """Row count and a preview of the week's rows, without phone or licence numbers."""
    columns = [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() "
                                         "WHERE table_name = ? ORDER BY column_index", [key]).fetchall()]
    shown = ", ".join(c for c in columns if c not in PRIVATE)
    where = "WHERE week = ?" if "week" in columns else "WHERE ? IS NOT NULL"
    preview = con.execute(f"SELECT {shown} FROM {key} {where} LIMIT 10", [week]).df()
    return MaterializeResult(asset_key=key, metadata={
        "dagster/row_count": rows, "week": week,
        "preview": MetadataValue.md(preview.to_markdown(index=False))})


# ----------------------------------------------------------------------------- checks

def targets_covered(con, week: str) -> AssetCheckResult:
    missing = con.execute("""
        SELECT t.unit_id, t.name,
            coalesce(u.reason, CASE WHEN c.cadre_id IS NULL THEN '无包保干部' END) AS reason
        FROM priority_targets t
        LEFT JOIN cadre_assignments c ON c.week = t.week AND c.unit_id = t.unit_id
        LEFT JOIN expert_assignments e ON e.week = t.week AND e.unit_id = t.unit_id
        LEFT JOIN uncovered_targets u ON u.week = t.week AND u.unit_id = t.unit_id
        WHERE t.week = ? AND (c.cadre_id IS NULL OR e.expert_id IS NULL)""", [week]).df()
    return AssetCheckResult(check_name="targets_covered", asset_key="priority_targets",
                            passed=missing.empty, severity=AssetCheckSeverity.WARN,
                            metadata={"uncovered": len(missing), "list": MetadataValue.md(
                                missing.to_markdown(index=False) if len(missing) else "全部覆盖")})


def experts_within_cap(con, week: str) -> AssetCheckResult:
    over = con.execute("""SELECT e.expert_id, count(*) AS units, any_value(x.weekly_cap) AS cap
        FROM expert_assignments e JOIN experts x USING (expert_id) WHERE e.week = ?
        GROUP BY e.expert_id HAVING count(*) > any_value(x.weekly_cap)""", [week]).df()
    return AssetCheckResult(check_name="experts_within_cap", asset_key="expert_assignments",
                            passed=over.empty, metadata={"over_cap": len(over)})


def no_conflict_of_interest(con, week: str) -> AssetCheckResult:
    clashes = con.execute("""SELECT count(*) FROM expert_assignments e
        JOIN experts x USING (expert_id) JOIN units u USING (unit_id)
        WHERE e.week = ? AND (x.employer = u.name OR contains(u.name, x.employer)
                              OR contains(x.employer, u.name))""", [week]).fetchall()[0][0]
    return AssetCheckResult(check_name="no_conflict_of_interest", asset_key="expert_assignments",
                            passed=clashes == 0, metadata={"conflicts": clashes})


def subdistricts_linked_once(con, week: str) -> AssetCheckResult:
    bad = con.execute("""
        WITH s AS (SELECT DISTINCT subdistrict FROM units WHERE status <> '注销'),
             l AS (SELECT * FROM department_links WHERE week = ?)
        SELECT (SELECT count(*) FROM s WHERE (SELECT count(*) FROM l
                    WHERE l.subdistrict = s.subdistrict) <> 1),
               (SELECT count(*) FROM (SELECT dept FROM l GROUP BY dept HAVING count(*) > 1))
        """, [week]).fetchall()[0]
    return AssetCheckResult(check_name="subdistricts_linked_once", asset_key="department_links",
                            passed=bad == (0, 0), metadata={"subdistricts_not_linked_once": bad[0],
                                                            "departments_linked_twice": bad[1]})


def totals_agree(con, week: str) -> AssetCheckResult:
    from assets.report.figures import compute_figures
    figures = compute_figures(con)
    row = con.execute("SELECT * FROM weekly_progress WHERE week = ? AND scope = '全区'",
                      [week]).df().iloc[0]
    sums = con.execute("""SELECT sum(COLUMNS(* EXCLUDE (week, scope))) FROM weekly_progress
        WHERE week = ? AND scope <> '全区'""", [week]).df().iloc[0]
    compared = ["supervised_units", "hazards_found_ytd", "hazards_open", "hazards_major_open",
                "hazards_overdue", "problems_solved_ytd", "reviews_ytd", "reviews_passed_ytd",
                "tier_jingpin", "tier_biaogan", "tier_dabiao", "demo_posts"]
    wrong = {k: [int(row[k]), int(figures[k])] for k in compared if int(row[k]) != figures[k]}
    wrong |= {f"sum:{k}": [int(row[k]), int(sums[k])] for k in sums.index if int(row[k]) != int(sums[k])}
    return AssetCheckResult(check_name="totals_agree", asset_key="weekly_progress",
                            passed=not wrong, metadata={"mismatches": MetadataValue.json(wrong)})


CHECK_FUNCTIONS = [targets_covered, experts_within_cap, no_conflict_of_interest,
                   subdistricts_linked_once, totals_agree]
