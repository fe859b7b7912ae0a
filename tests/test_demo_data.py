"""The demo-data generator: published figures, validity, profiles and byte determinism.

The generated files are read here with pandas and python-calamine only, never through the
pipeline's own reader, so these tests check the files a clerk would see.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from demo import generate
from pipeline.core.ledgers import (
    CADRES,
    CATEGORIES,
    DEPARTMENTS,
    EXPERT_DOMAINS,
    EXPERTS,
    HAZARDS,
    REVIEWS,
    RISK_FLAGS,
    SUBDISTRICTS,
    UNITS,
    USCC_PREFIXES,
    VISITS,
)
from pipeline.core.uscc import ALPHABET, is_valid_uscc, make_uscc, org_code_check_char, uscc_check_char
from pipeline.core.xlsx import save_workbook

START, AS_OF = date(2023, 1, 2), date(2023, 8, 13)
MIXED_FILES = {
    "units": "监管对象台账（2023年8月）.xlsx",
    "hazards_h1": "隐患排查治理台账_2023上半年.csv",
    "hazards_h2": "hazards_2023-07_08.csv",
    "departments": "区直单位.csv",
    "cadres": "干部名册.xlsx",
    "experts": "专家库.xlsx",
    "visits": "帮扶服务记录.xlsx",
    "reviews": "标准化评审记录.csv",
}
# Subdistrict -> the features it must over-represent (the department stationed there).
PROFILES = {
    "北峰街道": ("工贸企业", "粉尘涉爆", "金属冶炼", "有限空间作业", "涉氨制冷"),
    "东海街道": ("自建厂房", "在建施工项目"),
    "泉秀街道": ("文旅场所", "人员密集"),
    "清源街道": ("临山临水",),
    "丰泽街道": ("住宿餐饮",),
    "东湖街道": ("学校",),
    "华大街道": ("医院",),
    "城东街道": ("福利机构",),
}


# ---------------------------------------------------------------- independent readers

# The shape of the demo ledgers (the bureau's exports): these columns in this order.  The
# contract may accept more (optional columns of other forms); the demo files keep theirs.
DEMO_HEADERS = {
    "units": ["单位编号", "统一社会信用代码", "单位名称", "监管类别", "行业", "所属街道", "地址", "从业人数",
              "风险特征", "标准化等级", "创建类别", "示范岗位数", "近三年事故起数", "最近检查日期", "经营状态"],
    "departments": ["单位名称", "职责领域", "是否参与帮扶"],
    "experts": ["专家编号", "姓名", "专业领域", "工作单位", "手机号码", "驻局专家", "每周服务上限"],
    "cadres": ["工号", "姓名", "所属单位", "职务", "手机号码", "执法证号", "帮扶工作队"],
    # the first nine columns as ever; the follow-up of major hazards to 销号 at the right
    "hazards": ["隐患编号", "单位编号", "发现日期", "隐患级别", "隐患类别", "隐患描述", "整改期限", "整改完成日期",
                "发现途径", "挂牌督办单位", "督办文号", "挂牌日期", "整改责任人", "整改措施", "整改资金", "应急预案",
                "停产停业整改", "申请验收日期", "验收日期", "验收人员", "销号日期"],
    "visits": ["记录编号", "服务日期", "单位编号", "干部工号", "专家编号", "服务方式", "发现问题数", "解决问题数",
               "典型做法"],
    "reviews": ["评审编号", "单位编号", "评审日期", "评审类型", "评审结果", "评审专家", "观摩企业数"],
}


def headers(ledger) -> list[str]:
    """The demo file's header: the columns it has always had, all of them in the contract,
    in contract order, with every required column."""
    contract = [c.header for c in ledger.columns]
    mine = DEMO_HEADERS[ledger.key]
    assert mine == [h for h in contract if h in mine], ledger.key
    assert {c.header for c in ledger.columns if c.required} <= set(mine), ledger.key
    return mine


def sheet_rows(path: Path) -> tuple[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return book.sheet_names[0], book.get_sheet_by_index(0).to_python()


def xlsx_frame(path: Path, header_row: int = 0) -> pd.DataFrame:
    _, rows = sheet_rows(path)
    return pd.DataFrame(rows[header_row + 1:], columns=rows[header_row])


def csv_frame(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)


def parse_date(text: str) -> date | None:
    """ISO 2023-08-15 or 2023/8/15; anything else fails the test."""
    if text == "":
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.strptime(text, "%Y-%m-%d").date()
    assert re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", text), text
    return datetime.strptime(text, "%Y/%m/%d").date()


def cell_date(value) -> date | None:
    if value in ("", None):
        return None
    assert isinstance(value, date), f"not a real Excel date: {value!r}"
    return value.date() if isinstance(value, datetime) else value


def reference_uscc_ok(code: str) -> bool:
    """A second, independent implementation of GB 32100 / GB 11714."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    if len(code) != 18 or any(c not in alphabet for c in code):
        return False
    org_sum = sum((int(c) if c.isdigit() else ord(c) - 55) * w
                  for c, w in zip(code[8:16], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    org_check = "0123456789X0"[11 - org_sum % 11]
    total = sum(alphabet.index(c) * 3 ** i % 31 for i, c in enumerate(code[:17]))
    return code[16] == org_check and code[17] == alphabet[(31 - total % 31) % 31]


def split(cell: str) -> list[str]:
    return [x for x in str(cell).split("、") if x]


def sha256s(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    written = generate(out)
    assert sorted(p.name for p in written) == sorted(MIXED_FILES.values())
    return out


@pytest.fixture(scope="module")
def ledgers(demo_dir) -> dict[str, pd.DataFrame]:
    f = {k: demo_dir / name for k, name in MIXED_FILES.items()}
    h1 = csv_frame(f["hazards_h1"], "gb18030")
    h2 = csv_frame(f["hazards_h2"], "utf-8-sig")
    return {
        "units": xlsx_frame(f["units"], header_row=1),
        "hazards_h1": h1, "hazards_h2": h2, "hazards": pd.concat([h1, h2], ignore_index=True),
        "departments": csv_frame(f["departments"]),
        "cadres": xlsx_frame(f["cadres"]),
        "experts": xlsx_frame(f["experts"]),
        "visits": xlsx_frame(f["visits"]),
        "reviews": csv_frame(f["reviews"]),
    }


@pytest.fixture(scope="module")
def supervised(ledgers) -> pd.DataFrame:
    units = ledgers["units"]
    return units[units["经营状态"] != "注销"]


@pytest.fixture(scope="module")
def active_ids(ledgers) -> set[str]:
    units = ledgers["units"]
    return set(units.loc[units["经营状态"] == "在营", "单位编号"])


# ---------------------------------------------------------------- files and headers

def test_units_workbook_has_one_title_row_then_the_contract_header(demo_dir):
    sheet, rows = sheet_rows(demo_dir / MIXED_FILES["units"])
    assert sheet == "监管对象台账"
    assert "丰泽区生产经营单位监管台账" in rows[0][0]
    assert all(v == "" for v in rows[0][1:])
    assert rows[1] == headers(UNITS)


@pytest.mark.parametrize("key, ledger", [("cadres", CADRES), ("experts", EXPERTS), ("visits", VISITS)])
def test_other_workbooks_start_with_the_header(demo_dir, key, ledger):
    _, rows = sheet_rows(demo_dir / MIXED_FILES[key])
    assert rows[0] == headers(ledger)


def test_csv_headers_and_encodings(demo_dir):
    raw = (demo_dir / MIXED_FILES["hazards_h2"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    gb = (demo_dir / MIXED_FILES["hazards_h1"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    assert list(csv_frame(demo_dir / MIXED_FILES["hazards_h1"], "gb18030").columns) == headers(HAZARDS)
    assert list(csv_frame(demo_dir / MIXED_FILES["departments"]).columns) == headers(DEPARTMENTS)
    assert list(csv_frame(demo_dir / MIXED_FILES["reviews"]).columns) == headers(REVIEWS)


# ---------------------------------------------------------------- units

def test_units_published_counts(ledgers, supervised):
    units = ledgers["units"]
    assert len(supervised) == 4098
    assert set(supervised["经营状态"]) == {"在营", "停产"}
    assert 0.01 <= (supervised["经营状态"] == "停产").mean() <= 0.03
    assert 50 <= (units["经营状态"] == "注销").sum() <= 70
    counts = supervised["监管类别"].value_counts()
    assert set(counts.index) == set(CATEGORIES)
    assert counts["工贸企业"] > counts["住宿餐饮"] > counts["文旅场所"] > counts["在建施工项目"] \
        > counts["学校"] > counts["医院"] > counts["福利机构"]
    tiers = supervised["创建类别"].value_counts().drop("", errors="ignore").to_dict()
    assert tiers == {"评审达标": 221, "标杆": 69, "精品": 10}
    assert units.loc[units["经营状态"] == "注销", "创建类别"].eq("").all()
    assert sum(int(x) for x in supervised["示范岗位数"]) == 1400


def test_units_cells_are_valid(ledgers):
    units = ledgers["units"]
    for col in ("单位编号", "统一社会信用代码", "单位名称"):
        assert all(isinstance(v, str) for v in units[col]), f"{col} must be text cells"
    assert units["单位编号"].str.fullmatch(r"FZ\d{6}").all() and units["单位编号"].is_unique
    assert units["单位名称"].is_unique
    assert set(units["所属街道"]) == set(SUBDISTRICTS)
    assert units["地址"].str.contains("丰泽区").all()
    assert set(units["标准化等级"]) <= {"一级", "二级", "三级", "小微达标", "未达标", ""}
    assert all(set(split(x)) <= set(RISK_FLAGS) for x in units["风险特征"])
    for col, low, high in (("从业人数", 3, 3000), ("示范岗位数", 0, 200), ("近三年事故起数", 0, 2)):
        values = units[col].tolist()
        assert all(isinstance(v, (int, float)) and float(v).is_integer() for v in values), col
        assert low <= min(values) and max(values) <= high, col
    assert (units["近三年事故起数"] == 0).mean() > 0.95
    inspected = [cell_date(v) for v in units["最近检查日期"]]
    assert 0.7 < np.mean([d is not None for d in inspected]) < 1.0
    assert all(date(2022, 6, 1) <= d <= AS_OF for d in inspected if d)


def test_tiers_fit_grades_and_industries(supervised):
    tiered = supervised[supervised["创建类别"] != ""]
    assert (tiered["监管类别"] == "工贸企业").mean() > 0.9
    top = supervised[supervised["创建类别"] == "精品"]
    assert set(top["标准化等级"]) <= {"一级", "二级"} and (top["监管类别"] == "工贸企业").all()
    posts = supervised["示范岗位数"].astype(int)
    assert posts[supervised["创建类别"] != ""].sum() > 0.8 * 1400
    trade = supervised[supervised["监管类别"] == "工贸企业"]
    light = ["服装服饰", "纺织", "制鞋", "箱包", "树脂工艺品", "电子电器", "印刷", "包装装潢"]
    assert trade["行业"].isin(light).mean() > 0.6          # an urban Quanzhou district's industry
    assert 1 <= (trade["行业"] == "精密铸造").sum() <= 0.002 * len(trade)   # metal smelting is rare
    assert supervised.loc[supervised["监管类别"] != "工贸企业", "标准化等级"].eq("").mean() > 0.9


def test_credit_codes_valid_unique_and_fit_the_unit(ledgers):
    units = ledgers["units"]
    coded = units[units["统一社会信用代码"] != ""]
    assert units.loc[units["统一社会信用代码"] == "", "监管类别"].eq("在建施工项目").all()
    assert coded["统一社会信用代码"].is_unique
    for code, category in zip(coded["统一社会信用代码"], coded["监管类别"], strict=True):
        assert reference_uscc_ok(code) and is_valid_uscc(code), code
        assert code[2:8] == "350503"
        assert code[:2] in USCC_PREFIXES[category], (code, category)
    prefixes = set(coded["统一社会信用代码"].str[:2])
    assert prefixes == {"91", "92", "12", "52"}


def location_quotients(supervised: pd.DataFrame) -> pd.DataFrame:
    flags = pd.DataFrame({f: supervised["风险特征"].map(lambda x, f=f: f in split(x)) for f in RISK_FLAGS})
    cats = pd.DataFrame({c: supervised["监管类别"] == c for c in CATEGORIES})
    features = pd.concat([cats, flags], axis=1).astype(float)
    return features.groupby(supervised["所属街道"].to_numpy()).mean() / features.mean()


def test_each_subdistrict_over_represents_its_departments_features(supervised):
    lq = location_quotients(supervised)
    for subdistrict, features in PROFILES.items():
        for feature in features:
            assert lq.loc[subdistrict, feature] >= 1.5, (subdistrict, feature)
            assert lq[feature].idxmax() == subdistrict, (subdistrict, feature)


# ---------------------------------------------------------------- people

def test_departments(ledgers):
    depts = ledgers["departments"].set_index("单位名称")
    taking_part = depts[depts["是否参与帮扶"] == "是"]
    assert set(taking_part.index) == {"区住建局", "区工信科技局", "区文体旅游局", "区城管局", "区教育局",
                                      "区卫生健康局", "区民政局", "区商务局"}
    assert set(depts.index) - set(taking_part.index) == {"区应急管理局", "区市场监督管理局"}
    assert set(depts["是否参与帮扶"]) == {"是", "否"}
    vocabulary = set(CATEGORIES) | set(RISK_FLAGS)
    assert all(split(x) and set(split(x)) <= vocabulary for x in depts["职责领域"])
    assert split(depts.loc["区住建局", "职责领域"]) == ["在建施工项目", "自建厂房"]
    assert split(depts.loc["区城管局", "职责领域"]) == ["临山临水"]


def test_cadres(ledgers):
    cadres = ledgers["cadres"]
    depts = ledgers["departments"]
    bureau = cadres[cadres["所属单位"] == "区应急管理局"]
    team = cadres[cadres["帮扶工作队"] == "是"]
    assert len(bureau) == 43 and bureau["帮扶工作队"].eq("否").all()
    assert len(team) == 30
    assert team["所属单位"].value_counts().between(3, 5).all()
    assert set(team["所属单位"]) == set(depts.loc[depts["是否参与帮扶"] == "是", "单位名称"])
    assert 0.3 <= (team["执法证号"] != "").mean() <= 0.7
    assert (bureau["执法证号"] != "").mean() > 0.7
    assert len(cadres) > 73 and set(cadres["所属单位"]) <= set(depts["单位名称"])
    for col in ("工号", "手机号码", "姓名"):
        assert cadres[col].is_unique, col
    licences = cadres.loc[cadres["执法证号"] != "", "执法证号"]
    assert licences.is_unique and licences.str.fullmatch(r"350503\d{7}").all()
    assert cadres["手机号码"].str.fullmatch(r"1[358]\d{9}").all()
    assert all(isinstance(v, str) for v in cadres["工号"].tolist() + cadres["执法证号"].tolist())


def test_experts(ledgers, supervised):
    experts = ledgers["experts"]
    assert len(experts) == 43 and experts["专家编号"].is_unique and experts["手机号码"].is_unique
    domains = [split(x) for x in experts["专业领域"]]
    assert all(1 <= len(d) <= 3 and set(d) <= set(EXPERT_DOMAINS) for d in domains)
    per_domain = pd.Series([x for d in domains for x in d]).value_counts()
    assert set(per_domain.index) == set(EXPERT_DOMAINS) and per_domain.idxmax() == "工贸"
    assert 4 <= (experts["驻局专家"] == "是").sum() <= 6
    caps = experts["每周服务上限"].astype(int)
    assert caps.between(2, 6).all()
    conflicted = experts["工作单位"].isin(set(supervised["单位名称"]))
    assert 2 <= conflicted.sum() <= 3


# ---------------------------------------------------------------- events

@pytest.fixture(scope="module")
def hazards(ledgers) -> pd.DataFrame:
    h = ledgers["hazards"].copy()
    for col in ("发现日期", "整改期限", "整改完成日期"):
        h[col] = [parse_date(x) for x in h[col]]
    return h


def test_hazard_files_split_by_date_and_format(ledgers):
    first, second = ledgers["hazards_h1"], ledgers["hazards_h2"]
    assert all(START <= parse_date(x) <= date(2023, 6, 30) for x in first["发现日期"])
    assert all(date(2023, 7, 1) <= parse_date(x) <= AS_OF for x in second["发现日期"])
    slash = first["发现日期"].str.contains("/")
    assert 0.05 < slash.mean() < 0.5
    assert not second["发现日期"].str.contains("/").any()


def test_hazards(hazards, ledgers, active_ids):
    h = hazards
    assert 1500 <= len(h) <= 2500 and h["隐患编号"].is_unique
    assert set(h["单位编号"]) <= active_ids
    units = ledgers["units"].set_index("单位编号")
    assert (units.loc[h["单位编号"], "监管类别"] == "工贸企业").mean() > 0.6
    assert set(h["隐患级别"]) == {"一般隐患", "重大隐患"}
    major = h["隐患级别"] == "重大隐患"
    assert 15 <= major.sum() <= 30                          # about 1%, as real ledgers have
    assert (h["隐患描述"] != "").all() and (h["隐患类别"] != "").all()
    window = np.array([(d - f).days for d, f in zip(h["整改期限"], h["发现日期"], strict=True)])
    assert window.min() >= 0 and window.max() <= 60
    assert window[major.to_numpy()].min() >= 15
    assert window[major.to_numpy()].mean() > window[~major.to_numpy()].mean()
    fixed = h.dropna(subset=["整改完成日期"])
    assert 0.8 < len(fixed) / len(h) < 0.99
    assert all(f <= x <= AS_OF for f, x in zip(fixed["发现日期"], fixed["整改完成日期"], strict=True))
    open_ = h[h["整改完成日期"].isna()]
    overdue = open_[open_["整改期限"] < AS_OF]
    assert 10 <= len(overdue) <= 99
    assert 1 <= (open_["隐患级别"] == "重大隐患").sum() <= 10
    assert set(h["发现途径"]) == {"执法检查", "专家指导", "企业自查", "帮扶检查"}
    assisted = h[h["发现途径"].isin(["帮扶检查", "专家指导"])]
    assert assisted["发现日期"].min() >= date(2023, 3, 15)
    months = pd.Series([d.month for d in h["发现日期"]]).value_counts().sort_index()
    assert months[1] < months[4] < months[7]


def test_visits(demo_dir, ledgers, active_ids):
    v = ledgers["visits"]
    assert 200 <= len(v) <= 700 and v["记录编号"].is_unique
    assert all(isinstance(x, str) for col in ("记录编号", "单位编号", "干部工号", "专家编号") for x in v[col])
    days = [cell_date(x) for x in v["服务日期"]]
    assert all(START <= d <= AS_OF for d in days)
    assert np.mean([d >= date(2023, 4, 1) for d in days]) > 0.85
    assert set(v["单位编号"]) <= active_ids
    units = ledgers["units"].set_index("单位编号")
    assert (units.loc[v["单位编号"], "监管类别"] == "工贸企业").mean() > 0.6
    cadres = ledgers["cadres"].set_index("工号")
    assert set(v["干部工号"]) - {""} <= set(cadres.index)
    assert 0 < (v["干部工号"] == "").mean() < 0.3
    enforcement = v[v["服务方式"] == "执法检查"]
    assert (cadres.loc[enforcement["干部工号"], "执法证号"] != "").all()
    experts = ledgers["experts"].set_index("专家编号")
    listed = [split(x) for x in v["专家编号"]]
    assert all(len(e) <= 2 and set(e) <= set(experts.index) for e in listed)
    assert set(v["服务方式"]) == {"执法检查", "专家指导", "培训", "评审观摩"}
    assert all(e for e, kind in zip(listed, v["服务方式"], strict=True) if kind == "专家指导")
    found, solved = v["发现问题数"].astype(int), v["解决问题数"].astype(int)
    assert (solved >= 0).all() and (found >= solved).all()
    assert solved.sum() == 68
    employer = experts["工作单位"]
    for unit, ids in zip(v["单位编号"], listed, strict=True):
        assert units.loc[unit, "单位名称"] not in set(employer[ids]), "conflict of interest"
    # 典型做法: a few visits mark one, 2–4 of them in the demo week, each text once, short
    practice = v["典型做法"].fillna("").astype(str)
    marked = v[practice != ""]
    week = [date(2023, 8, 7) <= cell_date(d) <= AS_OF for d in marked["服务日期"]]
    assert 2 <= sum(week) <= 4 and 3 <= len(marked) - sum(week) <= 8
    assert set(marked["服务方式"]) <= {"执法检查", "专家指导"}
    assert marked["典型做法"].is_unique and marked["典型做法"].str.len().le(60).all()


def test_reviews(ledgers, active_ids):
    r = ledgers["reviews"]
    units = ledgers["units"].set_index("单位编号")
    assert len(r) == 77 and r["评审编号"].is_unique and r["单位编号"].is_unique
    assert set(r["单位编号"]) <= active_ids
    assert (units.loc[r["单位编号"], "监管类别"] == "工贸企业").all()
    assert r["评审结果"].value_counts().to_dict() == {"通过": 44, "不通过": 33}
    assert set(r["评审类型"]) == {"小微企业不定级评审"}
    days = [parse_date(x) for x in r["评审日期"]]
    assert all(date(2023, 3, 1) <= d <= AS_OF for d in days)
    assert {d.month for d in days} == {3, 4, 5, 6, 7, 8}
    experts = set(ledgers["experts"]["专家编号"])
    assert all(1 <= len(split(x)) <= 3 and set(split(x)) <= experts for x in r["评审专家"])
    assert r["观摩企业数"].astype(int).between(0, 12).all()
    passed = units.loc[r.loc[r["评审结果"] == "通过", "单位编号"]]
    assert (passed["标准化等级"] == "小微达标").all() and (passed["创建类别"] == "评审达标").all()


def test_earlier_weeks_show_smaller_cumulative_figures(hazards, ledgers):
    visits = ledgers["visits"]
    visit_days = pd.Series([cell_date(x) for x in visits["服务日期"]])
    solved = visits["解决问题数"].astype(int)
    review_days = pd.Series([parse_date(x) for x in ledgers["reviews"]["评审日期"]])
    passed = ledgers["reviews"]["评审结果"] == "通过"
    series = {
        "hazards": lambda end: (hazards["发现日期"] <= end).sum(),
        "visits": lambda end: (visit_days <= end).sum(),
        "solved": lambda end: solved[visit_days <= end].sum(),
        "reviews": lambda end: (review_days <= end).sum(),
        "passed": lambda end: passed[review_days <= end].sum(),
    }
    week_ends = [date(2023, 1, 8) + pd.Timedelta(weeks=w) for w in range(32)]
    for name, cumulative in series.items():
        values = [cumulative(end) for end in week_ends]
        assert values == sorted(values), name
        assert values[-2] < values[-1] and values[25] < values[-1], name


# ---------------------------------------------------------------- the district as Fengze is

# Written out here, independently of the generator's tables: where each feature can occur.
DUST = {"木制品家具", "金属制品", "粮食加工", "纺织", "树脂工艺品"}      # wood, polishing, flour, fluff, resin
AMMONIA = {"水产品加工", "冷链仓储", "食品制造"}                          # freezing and cold storage
CONFINED = {"水产品加工", "粮食加工", "调味品酿造", "食品制造", "纺织"}  # pits, silos, tanks
SMELTING = {"精密铸造"}
PUBLIC_SERVICES = ("学校", "医院", "福利机构")
ORDER10_FLAGS = ("粉尘涉爆", "涉氨制冷", "有限空间作业", "金属冶炼")


def flags_of(units: pd.DataFrame, flag: str) -> pd.Series:
    return units["风险特征"].map(lambda x: flag in split(x))


def test_features_occur_only_where_the_industry_has_them(supervised):
    from demo.profiles import CONSISTENCY
    for row in supervised.itertuples():
        assert set(split(row.风险特征)) <= CONSISTENCY[row.监管类别][row.行业], (row.单位名称, row.风险特征)
    for flag, industries in (("粉尘涉爆", DUST), ("涉氨制冷", AMMONIA), ("有限空间作业", CONFINED),
                             ("金属冶炼", SMELTING)):
        having = supervised[flags_of(supervised, flag)]
        assert len(having) > 0 and having["行业"].isin(industries).all(), flag
        assert (having["监管类别"] == "工贸企业").all(), flag
    other = supervised[supervised["监管类别"] != "工贸企业"]
    assert not any(flags_of(other, f).any() for f in ORDER10_FLAGS + ("自建厂房",))
    assert (supervised["行业"] != "").all()


def test_public_services_take_no_gongmao_standardization(ledgers, supervised):
    public = supervised[supervised["监管类别"].isin(PUBLIC_SERVICES)]
    assert public["标准化等级"].eq("").all() and public["创建类别"].eq("").all()
    units = ledgers["units"].set_index("单位编号")
    reviewed = units.loc[ledgers["reviews"]["单位编号"], "监管类别"]
    assert not reviewed.isin(PUBLIC_SERVICES).any()


def test_sizes_and_inspections_fit_the_unit(supervised):
    def employees(industry):
        return supervised.loc[supervised["行业"] == industry, "从业人数"].astype(int)
    assert employees("学前教育").max() <= 80 and employees("门诊部（所）").max() <= 40
    assert employees("综合医院").min() >= 80 and employees("中等教育").median() > employees("学前教育").median()
    inspected = supervised["最近检查日期"].map(lambda v: v not in ("", None))
    must = supervised["监管类别"].isin(PUBLIC_SERVICES) | (supervised["从业人数"].astype(int) >= 50)
    assert inspected[must].all()
    big = supervised["单位名称"].str.endswith("股份有限公司")
    assert (supervised.loc[big, "从业人数"].astype(int) >= 200).all()
    individual = supervised["统一社会信用代码"].str.startswith("92")
    assert (supervised.loc[individual, "从业人数"].astype(int) <= 30).all()


def people(ledgers) -> list[str]:
    return list(ledgers["cadres"]["姓名"]) + list(ledgers["experts"]["姓名"])


def test_people_are_named_as_in_southern_fujian(ledgers):
    from demo.load import column
    surnames = sorted(column("surnames", "surname"), key=len, reverse=True)
    given = set(column("given_names", "name"))
    names = people(ledgers)
    assert len(names) == len(set(names))
    for name in names:
        surname = next(s for s in surnames if name.startswith(s))
        assert name[len(surname):] in given, name
    firsts = pd.Series([next(s for s in surnames if n.startswith(s)) for n in names]).value_counts()
    assert {"陈", "林"} <= set(firsts.index[:3])                          # 陈林半天下
    assert firsts.max() <= 0.2 * len(names)
    given_counts = pd.Series([n[len(next(s for s in surnames if n.startswith(s))):] for n in names]).value_counts()
    assert given_counts.max() <= 4                     # repeats as real names repeat, no more


REGISTERED = re.compile(r"^(泉州市丰泽区|丰泽区|泉州市|泉州丰泽|泉州|福建省|福建)")


def test_firm_names_read_as_registered_names(supervised):
    from demo.load import column
    names = supervised["单位名称"]
    assert names.is_unique and not names.str.contains(r"（\d+）").any()
    trade = supervised[supervised["监管类别"] == "工贸企业"]
    assert trade["单位名称"].map(lambda n: bool(REGISTERED.match(n)) or "（泉州）" in n).all()
    assert trade["单位名称"].str.contains(r"(?:有限公司|厂|商行|经营部|茶行|冷库)$").all()
    trading = trade["单位名称"].str.endswith(("经营部", "商行"))
    assert trade.loc[trading, "行业"].isin(["商贸仓储", "冷链仓储"]).all()
    black = set(column("zihao_blacklist", "zihao"))
    for name in trade["单位名称"]:
        core = REGISTERED.sub("", name).split("（")[0]
        zh = core[:2]
        assert zh[0] != zh[1] and zh not in black, name


def test_addresses_are_on_the_subdistricts_roads_and_zones(supervised):
    from demo.load import rows
    places: dict[str, set[str]] = {}
    for r in rows("places"):
        places.setdefault(r["subdistrict"], set()).add(r["name"])
    every = sorted({p for names in places.values() for p in names}, key=len, reverse=True)
    for row in supervised.itertuples():
        address = row.地址
        assert address.startswith("泉州市丰泽区"), address
        assert re.search(r"(\d+号|\d+幢|交叉口|社区$|沿线$)", address), address
        rest = address.removeprefix("泉州市丰泽区").replace(row.所属街道, "")
        named = []
        for place in every:                     # longest names first: 丰泽街 before 丰泽
            if place in rest:
                named.append(place)
                rest = rest.replace(place, "|")
        assert named and set(named) <= places[row.所属街道], (address, row.所属街道)


def planned(name: str) -> pd.DataFrame:
    from demo.load import rows
    return pd.DataFrame(rows(name))


def test_major_hazards_and_misjudged_ones_are_the_documented_ones(hazards, ledgers):
    majors = planned("major_hazards")
    misjudged = planned("misjudged_hazards")
    h = hazards
    logged_major = h[h["隐患级别"] == "重大隐患"]
    assert sorted(zip(logged_major["发现日期"].map(str), logged_major["隐患描述"], strict=True)) == \
        sorted(zip(majors["found_on"], majors["description"], strict=True))
    wrong = h[(h["隐患级别"] == "一般隐患") & h["隐患描述"].isin(set(misjudged["description"]))]
    assert sorted(zip(wrong["发现日期"].map(str), wrong["隐患描述"], strict=True)) == \
        sorted(zip(misjudged["found_on"], misjudged["description"], strict=True))
    assert 20 <= len(wrong) <= 40                                        # a few dozen over the year
    assert wrong["整改完成日期"].notna().mean() >= 0.8                   # most fixed by August
    # every misjudged item names the article and item of MEM Order No.10 it matches
    items = planned("order10_items")
    refs = {a + (f"第{i}项" if i else "") for a, i in zip(items["article"], items["item"], strict=True)}
    assert set(misjudged["order10"]) <= refs
    # nothing else in the ledger reads like an Order No.10 item logged as 一般
    general = set(h.loc[(h["隐患级别"] == "一般隐患") & ~h.index.isin(wrong.index), "隐患描述"])
    assert not general & (set(majors["description"]) | set(misjudged["description"]))
    units = ledgers["units"].set_index("单位编号")
    dust = wrong[wrong["隐患类别"] == "粉尘防爆"]
    assert units.loc[dust["单位编号"], "风险特征"].map(lambda x: "粉尘涉爆" in split(x)).all()


def test_few_units_have_an_open_or_suspected_major_hazard_in_week_32(hazards):
    misjudged = set(planned("misjudged_hazards")["description"])
    h = hazards
    open_ = h["整改完成日期"].isna() | (h["整改完成日期"] > AS_OF)
    suspect = (h["隐患级别"] == "重大隐患") | h["隐患描述"].isin(misjudged)
    units = h.loc[open_ & suspect, "单位编号"].unique()
    assert 3 <= len(units) <= 12


def test_on_the_spot_items_are_put_right_the_same_or_the_next_day(hazards):
    from demo.load import rows
    spot = {r["description"] for r in rows("hazards") if r["on_spot"] == "1"}
    assert {"车间安全出口被锁闭", "营业期间安全出口上锁", "车间消防通道堵塞"} <= spot
    h = hazards[hazards["隐患描述"].isin(spot)]
    assert len(h) > 50
    days = np.array([(d - f).days for d, f in zip(h["整改期限"], h["发现日期"], strict=True)])
    assert days.max() <= 1
    done = h.dropna(subset=["整改完成日期"])
    assert len(done) == len(h) or h["发现日期"].max() >= date(2023, 8, 12)
    assert all((x - f).days <= 1 for f, x in zip(done["发现日期"], done["整改完成日期"], strict=True))


def test_sources_follow_the_campaign(hazards):
    h = hazards
    months = pd.Series([d.month for d in h["发现日期"]], index=h.index)
    selfcheck = h["发现途径"] == "企业自查"
    enforce = h["发现途径"] == "执法检查"
    may_june, july_aug = months.isin([5, 6]), months.isin([7, 8])
    assert selfcheck[may_june].mean() > selfcheck[july_aug].mean() + 0.1
    assert enforce[july_aug].mean() > enforce[may_june].mean() + 0.1


def test_experts_come_from_plausible_bodies(ledgers, hazards):
    experts = ledgers["experts"]
    units = ledgers["units"]
    at_units = experts[experts["工作单位"].isin(set(units["单位名称"]))]
    bodies = experts[~experts.index.isin(at_units.index)]
    assert bodies["工作单位"].str.contains(r"(?:有限公司|大学|学院|设计院|（退休）)$").all()
    assert not bodies["工作单位"].str.contains("顺丰|恒安|安踏").any()
    employer_ids = set(units.loc[units["单位名称"].isin(set(at_units["工作单位"])), "单位编号"])
    assert not (set(hazards.loc[hazards["隐患级别"] == "重大隐患", "单位编号"]) & employer_ids)
    tiers = units.loc[units["单位编号"].isin(employer_ids), "创建类别"]
    assert tiers.isin(["精品", "标杆"]).all()


# ---------------------------------------------------------------- determinism and csv

def test_generation_is_byte_deterministic(demo_dir, tmp_path):
    generate(tmp_path / "again")
    assert sha256s(tmp_path / "again") == sha256s(demo_dir)
    generate(tmp_path / "other", seed=7)
    assert sha256s(tmp_path / "other")[MIXED_FILES["units"]] != sha256s(demo_dir)[MIXED_FILES["units"]]
    assert not [p for p in demo_dir.iterdir() if p.name.startswith(".")]


def test_csv_format_at_2000_units(tmp_path):
    written = generate(tmp_path, n_units=2000, fmt="csv")
    ledgers = {"units": UNITS, "hazards": HAZARDS, "departments": DEPARTMENTS, "cadres": CADRES,
               "experts": EXPERTS, "visits": VISITS, "reviews": REVIEWS}
    assert sorted(p.name for p in written) == sorted(f"{lg.title}.csv" for lg in ledgers.values())
    frames = {}
    for key, ledger in ledgers.items():
        path = tmp_path / f"{ledger.title}.csv"
        assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
        frames[key] = csv_frame(path)
        assert list(frames[key].columns) == headers(ledger)
    units = frames["units"]
    sup = units[units["经营状态"] != "注销"]
    assert len(sup) == 2000
    tiers = sup["创建类别"].value_counts().drop("", errors="ignore").to_dict()
    assert tiers == {"评审达标": 108, "标杆": 34, "精品": 5}
    assert sup["示范岗位数"].astype(int).sum() == 683
    assert frames["reviews"]["评审结果"].value_counts().to_dict() == {"通过": 21, "不通过": 17}
    assert frames["visits"]["解决问题数"].astype(int).sum() == 33
    assert all(is_valid_uscc(c) for c in units["统一社会信用代码"] if c)
    assert set(frames["hazards"]["单位编号"]) <= set(units["单位编号"])
    assert all(parse_date(x) for x in frames["hazards"]["发现日期"])
    lq = location_quotients(sup)
    for subdistrict, features in PROFILES.items():
        for feature in features:
            assert lq.loc[subdistrict, feature] >= 1.5 and lq[feature].idxmax() == subdistrict


def test_bad_format_is_refused(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, fmt="xls")


# ---------------------------------------------------------------- xlsx helper

def test_save_workbook_is_reproducible_and_atomic(tmp_path):
    def book():
        wb = Workbook()
        wb.active.append(["单位编号", "日期"])
        wb.active.append(["FZ000001", date(2023, 8, 15)])
        return wb
    when = datetime(2023, 8, 14, 8, 0)
    save_workbook(book(), tmp_path / "a.xlsx", when)
    save_workbook(book(), tmp_path / "b.xlsx", when)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]
    _, rows = sheet_rows(tmp_path / "a.xlsx")
    assert rows[1] == ["FZ000001", date(2023, 8, 15)]


# ---------------------------------------------------------------- credit codes

bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
prefixes = st.sampled_from(["91", "92", "93", "12", "52", "11", "51", "Y1"])
divisions = st.text(alphabet="0123456789", min_size=6, max_size=6)


def test_known_codes():
    assert is_valid_uscc("91350503MA31DKY80A")
    assert make_uscc("91", "350503", "MA31DKY8") == "91350503MA31DKY80A"
    assert org_code_check_char("D2143569") == "X"        # the GB 11714 example
    assert uscc_check_char("91350503MA31DKY80") == "A"
    for bad in ("91350503MA31DKY80B", "91350503MA31DKY80", "91350503ma31dky80a",
                "91350503MA31DKYI0A", None, 913505031):
        assert not is_valid_uscc(bad)


@settings(max_examples=300, deadline=None)
@given(prefixes, divisions, bodies)
def test_made_codes_validate(prefix, division, body):
    code = make_uscc(prefix, division, body)
    assert is_valid_uscc(code) and reference_uscc_ok(code)
    assert code[:2] == prefix and code[2:8] == division and code[8:16] == body


@settings(max_examples=300, deadline=None)
@given(prefixes, divisions, bodies, st.integers(0, 15), st.sampled_from(ALPHABET + "IOSVZa"))
def test_changing_a_body_character_invalidates(prefix, division, body, pos, new):
    code = make_uscc(prefix, division, body)
    if code[pos] != new:
        assert not is_valid_uscc(code[:pos] + new + code[pos + 1:])


@settings(max_examples=200, deadline=None)
@given(prefixes, divisions, bodies, st.sampled_from(ALPHABET))
def test_changing_the_final_check_character_invalidates(prefix, division, body, new):
    code = make_uscc(prefix, division, body)
    if code[17] != new:
        assert not is_valid_uscc(code[:17] + new)
