"""The 双随机 draw and the checks' officers (issue 14): unpredictable before, verifiable
after, two licensed officers of the competent department, confidential until the check,
results published."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from conftest import connect
from openpyxl import load_workbook
from readback import pdf_text, workbook_text

from assets.derive import draw as lottery
from assets.derive.build import build_week
from assets.derive.officers import assistance_visits, licensed
from pipeline.core.config import BangfuConfig, ConfigError, config_sha256, load_config, validate_config

CONFIG = load_config()
W31, W32 = dt.date(2023, 7, 31), dt.date(2023, 8, 7)
PARAMS = {"share": 0.25, "min_per_subdistrict": 1, "officers_per_check": 2,
          "competent": {"工贸企业": "区应急管理局", "学校": "区教育局"}}
NO_OPTIONS = SimpleNamespace(redraw="", operator="", witnesses=[])


def units(n: int = 12) -> list[list]:
    subs = ("东海街道", "北峰街道", "清源街道")
    return [[f"FZ{i:06d}", f"单位{i}", subs[i % 3], "学校" if i % 4 == 0 else "工贸企业"] for i in range(1, n + 1)]


def officers() -> list[list]:
    return [["YJ001", "区应急管理局", 4, ["FZ000001"]], ["YJ002", "区应急管理局", 4, []],
            ["YJ003", "区应急管理局", 4, []], ["JY001", "区教育局", 4, []], ["JY002", "区教育局", 4, []]]


# ----------------------------------------------------------------------------- the draw itself

def test_the_draw_is_a_function_of_the_seed_and_registers():
    a = lottery.draw("aa" * 16, units(), officers(), PARAMS)
    assert a == lottery.draw("aa" * 16, units(), officers(), PARAMS)
    assert [c["unit_id"] for c in a] != [c["unit_id"] for c in lottery.draw("bb" * 16, units(), officers(), PARAMS)]
    assert len(a) == math.ceil(0.25 * 12) == 3
    assert {c["subdistrict"] for c in a} == {"东海街道", "北峰街道", "清源街道"}   # every subdistrict once


def test_never_fewer_than_one_per_subdistrict():
    checks = lottery.draw("cd" * 16, units(), officers(), PARAMS | {"share": 0.01, "min_per_subdistrict": 2})
    assert len(checks) == 6 and all(sum(c["subdistrict"] == s for c in checks) == 2
                                    for s in ("东海街道", "北峰街道", "清源街道"))


def test_officers_two_distinct_of_the_competent_department_never_the_units_own_cadre():
    for seed in (f"{i:032x}" for i in range(40)):
        for c in lottery.draw(seed, units(), officers(), PARAMS | {"share": 1}):
            dept = PARAMS["competent"][c["category"]]
            assert c["dept"] == dept
            if c["officers"]:
                assert len(set(c["officers"])) == 2
                assert {o[1] for o in officers() if o[0] in c["officers"]} == {dept}
            if c["unit_id"] == "FZ000001":
                assert "YJ001" not in c["officers"]          # 包保 → 回避


def test_the_weekly_cap_holds_and_an_unstaffable_check_takes_nobody():
    few = [["YJ001", "区应急管理局", 1, []], ["YJ002", "区应急管理局", 2, []], ["JY001", "区教育局", 3, []]]
    checks = lottery.draw("ee" * 16, units(), few, PARAMS | {"share": 1})
    load: dict[str, int] = {}
    for c in checks:
        for o in c["officers"]:
            load[o] = load.get(o, 0) + 1
    assert load.get("YJ001", 0) <= 1 and load.get("YJ002", 0) <= 2
    schools = [c for c in checks if c["category"] == "学校"]
    assert schools and all(c["officers"] == [] for c in schools)
    assert all(c["reason"] == "区教育局持证执法人员1名，可派1名，不足2名；未派员，须由区教育局补充持证人员"
               for c in schools)
    late = [c for c in checks if c["category"] == "工贸企业" and not c["officers"]]
    assert late and "本周任务已满" in late[0]["reason"]


def test_a_department_without_licensed_officers_is_named_in_the_reason():
    checks = lottery.draw("ff" * 16, units(), officers()[:3], PARAMS | {"share": 1})
    assert all(c["reason"] == "区教育局没有持有有效执法证的执法人员" for c in checks if c["category"] == "学校")


def redo_as_documented(seed: str, units_: list, officers_: list, params: dict) -> list[dict]:
    """The draw as docs/mechanism.md and the results workbook describe it, hashlib only."""
    def key(*parts):
        return hashlib.sha256("|".join((seed, *parts)).encode()).hexdigest()
    order = sorted(units_, key=lambda u: key("unit", u[0]))
    first, seen = [], {}
    for u in order:
        if seen.get(u[2], 0) < params["min_per_subdistrict"]:
            first.append(u)
            seen[u[2]] = seen.get(u[2], 0) + 1
    rest = [u for u in order if u not in first]
    n = max(math.ceil(round(params["share"] * len(units_), 9)), len(first))
    left = {o[0]: o[2] for o in officers_}
    out = []
    for u in (first + rest)[:n]:
        dept = params["competent"][u[3]]
        free = sorted((o for o in officers_ if o[1] == dept and u[0] not in o[3] and left[o[0]] > 0),
                      key=lambda o: key("officer", u[0], o[0]))
        chosen = [o[0] for o in free[:params["officers_per_check"]]]
        if len(chosen) < params["officers_per_check"]:
            chosen = []
        for o in chosen:
            left[o] -= 1
        out.append((u[0], chosen))
    return out


def test_anyone_can_redo_the_draw_from_the_published_description():
    for seed in ("01" * 16, "9f" * 16, lottery.new_seed()):
        got = lottery.draw(seed, units(30), officers(), PARAMS)
        assert [(c["unit_id"], c["officers"]) for c in got] == redo_as_documented(seed, units(30), officers(), PARAMS)


def test_seeds_come_from_the_secure_source():
    seeds = {lottery.new_seed() for _ in range(50)}
    assert len(seeds) == 50 and all(len(s) == 32 and int(s, 16) >= 0 for s in seeds)


def test_history_rules_out_units_drawn_twice_this_year_or_recently():
    def rec(units_):
        return {"result": json.dumps([{"unit_id": u} for u in units_])}
    records = {"2023-W02": rec(["A", "B"]), "2023-W20": rec(["A"]), "2023-W31": rec(["C"]),
               "2022-W50": rec(["D", "D"]), "2023-W33": rec(["E"])}
    out = lottery.history_exclusions(records, "2023-W33", recent_days=30, max_per_year=2)
    assert out == {"A", "C"}     # A: twice this year; C: drawn for a week 14 days before; E: this week


# ----------------------------------------------------------------------------- 执法人员+专家

def cadres_frame(rows):
    return pd.DataFrame(rows, columns=["cadre_id", "name", "dept", "licence", "licence_expires"])


CADRES = cadres_frame([
    ("YJ001", "甲", "区应急管理局", "3505032023001", None),
    ("YJ002", "乙", "区应急管理局", "3505032023002", None),
    ("YJ003", "丙", "区应急管理局", None, None),
    ("YJ004", "丁", "区应急管理局", "3505032023004", "2023-08-01"),   # lapsed before the plan week
    ("JY001", "戊", "区教育局", "3505032021001", None),
    ("ZJ901", "己", "区住建局", "3505032021002", None),
])
PLAN_SUNDAY = dt.date(2023, 8, 20)


def visits(targets, duty, experts=(), cap=4, cadres=CADRES):
    frame = pd.DataFrame(targets, columns=["unit_id", "category"])
    return assistance_visits(frame, pd.DataFrame(duty, columns=["unit_id", "cadre_id"]),
                             pd.DataFrame(list(experts), columns=["unit_id", "expert_id"]), cadres,
                             dict(CONFIG.jurisdiction.competent), cap, PLAN_SUNDAY)


def test_an_expired_or_missing_licence_is_no_licence():
    assert list(licensed(CADRES, PLAN_SUNDAY).cadre_id) == ["JY001", "YJ001", "YJ002", "ZJ901"]


def test_a_licensed_baobao_cadre_leads_with_a_second_officer():
    pairs, load = visits([("U1", "工贸企业")], [("U1", "YJ002")], [("U1", "ZJ001")])
    row = pairs.iloc[0]
    assert (row.dept, row.officer_1, row.officer_2, row.expert_id) == ("区应急管理局", "YJ002", "YJ001", "ZJ001")
    assert row.reason is None and load == {"YJ002": 1, "YJ001": 1}


def test_an_unlicensed_or_other_department_baobao_cadre_goes_along():
    pairs, _ = visits([("U1", "工贸企业"), ("U2", "工贸企业")], [("U1", "YJ003"), ("U2", "ZJ901")])
    assert set(pairs.iloc[0][["officer_1", "officer_2"]]) == {"YJ001", "YJ002"}
    assert "包保干部丙无有效执法证，随同帮扶" in pairs.iloc[0].note
    assert "包保干部己属区住建局，非该单位主管部门，随同帮扶" in pairs.iloc[1].note
    assert "暂无可派专家" in pairs.iloc[1].note


def test_a_visit_that_cannot_be_staffed_lawfully_is_listed_with_the_reason():
    pairs, load = visits([("S1", "学校"), ("H1", "医院")], [])
    school, hospital = pairs.iloc[0], pairs.iloc[1]
    assert school.officer_1 is None and school.officer_2 is None
    assert school.reason == "区教育局持证执法人员1名，可派1名，不足2名；未派员，须由区教育局补充持证人员"
    assert hospital.reason == "区卫生健康局没有持有有效执法证的执法人员"
    assert not load


def test_the_weekly_cap_holds_for_visits():
    pairs, load = visits([(f"U{i}", "工贸企业") for i in range(3)], [], cap=2)
    assert max(load.values()) <= 2
    assert pairs.officer_1.isna().sum() == 1 and "本周任务已满" in pairs.iloc[2].reason


# ----------------------------------------------------------------------------- configuration

def test_jurisdiction_names_every_category():
    data = CONFIG.model_dump(mode="json")
    del data["jurisdiction"]["competent"]["住宿餐饮"]
    with pytest.raises(ConfigError, match="住宿餐饮"):
        validate_config(data)


def test_a_redraw_is_a_run_option_never_the_files(tmp_path):
    data = CONFIG.model_dump(mode="json")
    data["draw"]["redraw"] = "想换一批"
    path = tmp_path / "bangfu.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="重新抽取只能在单次运行的配置中给出"):
        load_config(path)


def test_the_draws_run_options_are_not_hashed():
    run = BangfuConfig(draw={"redraw": "理由", "operator": "王五", "witnesses": ["李六"]}).over(CONFIG)
    assert config_sha256(run) == config_sha256(CONFIG)


def test_the_command_lines_draw_options_go_over_the_files(monkeypatch):
    from pipeline.runner import draw_run_config
    assert draw_run_config({"redraw": None, "operator": None, "witnesses": []}) == {}
    cfg = draw_run_config({"redraw": "单位注销", "operator": None, "witnesses": ["甲", "乙"]})
    assert cfg == {"ops": {"derive": {"config": {"draw": {"redraw": "单位注销", "operator": "",
                                                          "witnesses": ["甲", "乙"]}}}}}


# ----------------------------------------------------------------------------- in the warehouse

@pytest.fixture
def fresh(demo_warehouse, tmp_path):
    """A copy of the demo warehouse with no draw recorded: as a new warehouse would be."""
    def _fresh(name: str = "w"):
        path = tmp_path / f"{name}.duckdb"
        shutil.copyfile(demo_warehouse, path)
        con = connect(path)
        con.execute("DELETE FROM draw_log")
        return con
    return _fresh


def derive(con, start=W32, cfg=CONFIG, run_id=None):
    con.execute("BEGIN")
    build_week(con, start, cfg, run_id)
    con.execute("COMMIT")
    week = f"{start.isocalendar()[0]}-W{start.isocalendar()[1]:02d}"
    return con.execute("SELECT unit_id, officer_1, officer_2, status FROM spot_checks WHERE week = ? "
                       "ORDER BY pick", [week]).fetchall()


def test_two_fresh_warehouses_draw_differently_and_a_rerun_draws_the_same(fresh):
    a, b = fresh("a"), fresh("b")
    first, other = derive(a), derive(b)
    assert len(first) == len(other) >= 8
    assert first != other
    assert derive(a) == first                      # a rerun reuses the recorded draw
    seeds = a.execute("SELECT plan_for, draw_no, seed FROM draw_log").fetchall()
    assert len(seeds) == 1 and seeds[0][:2] == ("2023-W33", 1)
    assert lottery.verify(lottery.draws_of(a, "2023-W33")[0]) == []


def test_a_rerun_keeps_the_draw_when_the_ledgers_change(fresh):
    con = fresh()
    first = derive(con)
    closed = first[0][0]
    con.execute("UPDATE units SET status = '注销' WHERE unit_id = ?", [closed])
    con.execute("UPDATE cadres SET licence = NULL WHERE cadre_id = ?", [first[1][1]])
    again = derive(con)
    assert [u for u, *_ in again] == [u for u, *_ in first]
    reason = dict(con.execute("SELECT unit_id, reason FROM spot_checks WHERE week = '2023-W32'").fetchall())
    assert again[0][3] == "不予检查" and "已注销" in reason[closed]
    assert again[1][3] == "未派员" and "已无有效执法证" in reason[first[1][0]]


def test_a_redraw_is_recorded_with_its_reason_once(fresh):
    con = fresh()
    first = derive(con)
    options = CONFIG.draw.model_copy(update={"redraw": "抽中单位已停业，经批准重新抽取", "operator": "王五",
                                             "witnesses": ["李六"]})
    redraw = CONFIG.model_copy(update={"draw": options})
    second = derive(con, cfg=redraw, run_id="run-1")
    assert second != first
    assert derive(con, cfg=redraw, run_id="run-1") == second          # a re-execution of that run
    assert derive(con, cfg=redraw, run_id="run-2") == second          # the same request again
    assert derive(con) == second                                      # plain reruns use the new draw
    log = con.execute("SELECT draw_no, kind, reason, operator, witnesses FROM draw_log ORDER BY draw_no").fetchall()
    assert log == [(1, "首次抽取", None, None, "[]"),
                   (2, "重新抽取", "抽中单位已停业，经批准重新抽取", "王五", '["李六"]')]
    assert all(lottery.verify(r) == [] for r in lottery.draws_of(con, "2023-W33"))


def test_a_tampered_record_does_not_verify(fresh):
    con = fresh()
    derive(con)
    record = lottery.draws_of(con, "2023-W33")[0]
    result = json.loads(record["result"])
    result[0]["officers"] = list(reversed(result[0]["officers"]))
    assert lottery.verify({**record, "result": lottery.canonical(result)})
    assert lottery.verify({**record, "seed": "00" * 16})
    pool = json.loads(record["units_pool"])[1:]
    assert lottery.verify({**record, "units_pool": lottery.canonical(pool)})


def test_units_drawn_last_week_are_not_drawn_again(fresh):
    con = fresh()
    derive(con, W31)
    derive(con, W32)
    w32, w33 = (json.loads(lottery.draws_of(con, w)[0]["result"]) for w in ("2023-W32", "2023-W33"))
    assert not {c["unit_id"] for c in w32} & {c["unit_id"] for c in w33}


def test_every_check_is_lawfully_staffed_and_the_checks_say_so(fresh):
    from assets.derive.checks import checks_lawfully_staffed, draw_verifies
    con = fresh()
    derive(con)
    assert checks_lawfully_staffed(con, "2023-W32").passed and draw_verifies(con, "2023-W32").passed
    con.execute("""UPDATE inspection_pairs SET officer_2 = officer_1
        WHERE week = '2023-W32' AND unit_id = (SELECT min(unit_id) FROM inspection_pairs
                                              WHERE week = '2023-W32' AND officer_1 IS NOT NULL)""")
    bad = checks_lawfully_staffed(con, "2023-W32")
    assert not bad.passed and "执法人员不足两名" in bad.metadata["list"].value
    con.execute("UPDATE draw_log SET result_sha256 = 'x'")
    assert not draw_verifies(con, "2023-W32").passed


def test_a_department_short_of_officers_leaves_its_checks_unstaffed(fresh):
    con = fresh()
    con.execute("UPDATE cadres SET licence = NULL WHERE dept <> '区应急管理局'")
    checks = derive(con)
    rows = con.execute("""SELECT dept, officer_1, status, reason FROM spot_checks WHERE week = '2023-W32'
                          AND dept <> '区应急管理局'""").fetchall()
    assert rows and all(o is None and s == "未派员" and r.endswith("没有持有有效执法证的执法人员")
                        for _, o, s, r in rows)
    figures = json.loads(con.execute("SELECT figures FROM weekly_figures WHERE week = '2023-W32' "
                                     "AND as_of = '2023-W32'").fetchone()[0])
    assert figures["spot_checks"] == len(checks) and figures["spot_checks_unstaffed"] == len(rows)
    from assets.derive.checks import checks_lawfully_staffed
    assert checks_lawfully_staffed(con, "2023-W32").passed        # unstaffed, with the reason: lawful


def test_the_results_come_from_the_visit_records(fresh):
    con = fresh()
    derive(con, W31)                                 # draws the checks of 2023-W32
    drawn = json.loads(lottery.draws_of(con, "2023-W32")[0]["result"])
    staffed = [c for c in drawn if c["officers"]][:3]
    rows = [("FW-T1", "2023-08-08", staffed[0], "合格", 0, None),
            ("FW-T2", "2023-08-09", staffed[1], "责令整改", 3, "（丰）应急责改〔2023〕7号")]
    for vid, day, c, outcome, found, doc in rows:
        con.execute("""INSERT INTO visits (visit_id, visited_on, unit_id, cadre_id, cadre_id_2, kind,
            problems_found, problems_solved, outcome, document_no) VALUES (?, ?, ?, ?, ?, '执法检查', ?, 1, ?, ?)""",
                    [vid, day, c["unit_id"], *c["officers"], found, outcome, doc])
    con.execute("""INSERT INTO visits (visit_id, visited_on, unit_id, cadre_id, kind, problems_found,
        problems_solved) VALUES ('FW-T3', '2023-08-10', ?, ?, '执法检查', 0, 0)""",
                [staffed[2]["unit_id"], staffed[2]["officers"][0]])
    derive(con, W32)
    got = {r[0]: r[1:] for r in con.execute("""SELECT unit_id, checked, outcome, document_no, note
        FROM spot_check_results WHERE week = '2023-W32'""").fetchall()}
    assert len(got) == len(drawn)
    assert got[staffed[0]["unit_id"]] == (True, "合格", None, None)
    assert got[staffed[1]["unit_id"]] == (True, "责令整改", "（丰）应急责改〔2023〕7号", None)
    assert got[staffed[2]["unit_id"]][3] == "检查记录只有一名执法人员，请补录第二执法人员"
    others = [v for u, v in got.items() if u not in {c["unit_id"] for c in staffed}]
    assert all(not v[0] and v[3] for v in others)   # not checked: the reason
    figures = json.loads(con.execute("SELECT figures FROM weekly_figures WHERE week = '2023-W32' "
                                     "AND as_of = '2023-W32'").fetchone()[0])
    assert figures["spot_checks_published"] == len(drawn)


def test_the_draws_are_kept_across_a_warehouse_upgrade(fresh, tmp_path):
    from pipeline.core.warehouse import open_warehouse
    con = fresh()
    derive(con)
    before = con.execute("SELECT * FROM draw_log").fetchall()
    con.execute("UPDATE bangfu_schema SET version = 2")
    con.close()
    with open_warehouse(tmp_path / "w.duckdb") as again:
        assert again.execute("SELECT * FROM draw_log").fetchall() == before
        assert not again.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'spot_checks'"
                                 ).fetchone()[0]


def test_bangfu_verify_draw(fresh, tmp_path, capsys):
    from pipeline.cli import main
    con = fresh()
    derive(con)
    con.close()
    assert main(["verify-draw", "--warehouse", str(tmp_path / "w.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "2023-W33 第1次（首次抽取" in out and "核验通过" in out
    con = connect(tmp_path / "w.duckdb")
    con.execute("UPDATE draw_log SET seed = '00'")
    con.close()
    assert main(["verify-draw", "--warehouse", str(tmp_path / "w.duckdb"), "--week", "2023-W33"]) == 1


# ----------------------------------------------------------------------------- confidential, then public

def docx_text(path: Path) -> str:
    from docx import Document
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


# what the report data holds besides the draw: a drawn unit named there (an overdue hazard,
# an exemplar to watch) is named for that, not for the draw
CONFIDENTIAL = ("spot_checks", "spot_next_draw", "spot_registers", "task_units", "open_hazards")


def test_next_weeks_draw_is_named_only_in_the_drawing_departments_notices(demo_run, demo_warehouse,
                                                                          monkeypatch):
    from dagster import AssetKey, DagsterInstance

    from assets.report.data import query_report_data
    con = connect(demo_warehouse, read_only=True)
    drawn = con.execute("SELECT unit_id, name, dept, officer_1 FROM spot_checks WHERE week = '2023-W32'").fetchall()
    seed = con.execute("SELECT seed FROM draw_log WHERE plan_for = '2023-W33'").fetchone()[0]
    data = query_report_data(con, W32)
    con.close()
    assert drawn
    elsewhere = json.dumps({k: v for k, v in data.items() if k not in CONFIDENTIAL}, ensure_ascii=False)
    secret = [(u, "".join(n.split())) for u, n, *_ in drawn if u not in elsewhere and n not in elsewhere]
    assert len(secret) >= len(drawn) // 2
    out = demo_run[0] / "out" / "2023-W32"
    notices = sorted((out / "抽查通知单").glob("*.xlsx"))
    assert {p.name.split("_")[0] for p in notices} == {d for _, _, d, _ in drawn}
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.parent.name == "抽查通知单" or path.name == "manifest.json":
            continue
        text = {".pdf": pdf_text, ".docx": docx_text}.get(path.suffix, workbook_text)(path)
        squashed = "".join(text.split())
        assert not [u for u, n in secret if u in text or n in squashed], path.name
        assert seed not in text, path.name
    for path in notices:
        text = workbook_text(path)
        dept = path.name.split("_")[0]
        assert "内部资料" in text
        assert {u for u, _, d, _ in drawn if d == dept} == {u for u, *_ in drawn if u in text}
    # Dagster's metadata: counts only, and never the seed
    monkeypatch.setenv("DAGSTER_HOME", str(demo_run[0] / "dagster_home"))
    instance = DagsterInstance.get()
    event = instance.get_latest_materialization_event(AssetKey("spot_checks"))
    metadata = event.asset_materialization.metadata
    assert set(metadata) == {"dagster/row_count", "week", "counts"}
    assert not [u for u, *_ in drawn if u in metadata["counts"].value]
    log = "\n".join(str(e.to_json()) for r in instance.get_runs() for e in instance.all_logs(r.run_id))
    assert seed not in log


def test_the_results_workbook_says_when_there_is_nothing_to_publish(demo_run):
    path = demo_run[0] / "out" / "2023-W32" / "双随机抽查结果公示_2023-W32.xlsx"
    text = workbook_text(path)
    assert "本周无应公开的“双随机”抽查结果：2023-W32未进行抽取。" in text
    # the report says nothing rather than a filler sentence: no results section, no annex
    report = "".join(pdf_text(demo_run[0] / "out" / "2023-W32" / "丰泽区安全生产帮扶工作周报_2023-W32.pdf").split())
    assert "抽查结果公开。" not in report and "抽查结果公示" not in report


def test_last_weeks_draw_and_results_are_published(fresh, tmp_path):
    from assets.report.data import query_report_data
    from assets.report.render import render_all
    con = fresh()
    derive(con, W31)
    drawn = json.loads(lottery.draws_of(con, "2023-W32")[0]["result"])
    c = next(c for c in drawn if c["officers"])
    con.execute("""INSERT INTO visits (visit_id, visited_on, unit_id, cadre_id, cadre_id_2, kind,
        problems_found, problems_solved, outcome, document_no) VALUES ('FW-T1', '2023-08-09', ?, ?, ?, '执法检查',
        2, 1, '责令整改', '（丰）应急责改〔2023〕9号')""", [c["unit_id"], *c["officers"]])
    derive(con, W32)
    record = lottery.draws_of(con, "2023-W32")[0]
    people = con.execute("SELECT phone, licence FROM cadres WHERE cadre_id IN (?, ?)", c["officers"]).fetchall()
    data = query_report_data(con, W32)
    con.close()
    stage = tmp_path / "out"
    render_all(data, stage)
    pdf = "".join(pdf_text(stage / "丰泽区安全生产帮扶工作周报_2023-W32.pdf").split())
    for text in ("“双随机”抽查结果公开。", "“双随机”抽查结果公示", record["seed"], record["units_pool_sha256"],
                 record["officers_pool_sha256"], "（丰）应急责改〔2023〕9号", "".join(c["name"].split())):
        assert text in pdf, text
    book = workbook_text(stage / "双随机抽查结果公示_2023-W32.xlsx")
    assert c["name"] in book and "责令整改" in book and record["seed"] in book
    assert not [x for pair in people for x in pair if x and x in book]      # no phone, no licence
    wb = load_workbook(stage / "双随机抽查结果公示_2023-W32.xlsx", read_only=True)
    assert wb.sheetnames == ["抽查结果", "抽取记录", "检查对象名录", "执法检查人员名录", "核验方法"]
    listed = [r[1:] for r in wb["检查对象名录"].iter_rows(min_row=5, values_only=True)]
    assert hashlib.sha256(lottery.canonical([list(r) for r in listed]).encode()).hexdigest() == \
        record["units_pool_sha256"]                  # the published register is the one hashed
