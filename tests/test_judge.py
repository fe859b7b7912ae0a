"""The Order No.10 matcher (assets/derive/judge.py, assets/derive/order10.yaml): each encoded
item is found in the words a clerk would write, near-misses are not, special standards get a
scope note instead, and the table holds together."""

import copy
import re

import pytest
import yaml

from assets.derive import judge as judge_module
from assets.derive.judge import Judgement, industries_of, judge, normalise, rules, scope_notes
from pipeline.core.ledgers import CATEGORIES, RISK_FLAGS

GONGMAO = {"category": "工贸企业"}
DUST = {"category": "工贸企业", "risk_flags": ["粉尘涉爆"]}
AMMONIA = {"category": "工贸企业", "risk_flags": ["涉氨制冷"], "industry": "水产品加工"}
SPACE = {"category": "工贸企业", "risk_flags": ["有限空间作业"]}
SMELTING = {"category": "工贸企业", "risk_flags": ["金属冶炼"], "industry": "精密铸造"}
STEEL = {"category": "工贸企业", "industry": "钢铁冶炼"}
STONE = {"category": "工贸企业", "industry": "石材加工"}
CEMENT = {"category": "工贸企业", "industry": "水泥制造"}
FOUNDRY = {"category": "工贸企业", "industry": "精密铸造"}
MACHINERY = {"category": "工贸企业", "industry": "机械加工"}

# (label, description as a clerk writes it, the unit's context)
POSITIVE = [
    ("第三条第（一）项", "车间承包给外来班组，未统一协调管理、未定期检查", GONGMAO),
    ("第三条第（一）项", "仓库出租未对承租单位的安全生产工作统一协调、管理", GONGMAO),
    ("第三条第（二）项", "电工未持特种作业操作证上岗", GONGMAO),
    ("第三条第（二）项", "焊工无证进行电焊作业", GONGMAO),
    ("第三条第（三）项", "主要负责人未经安全生产知识和管理能力考核合格", SMELTING),
    ("第三条第（三）项", "安全管理人员未按规定考核合格", STEEL),
    ("第四条第（一）项", "转炉操作室设置在钢水吊运跨地坪区域内", STEEL),
    ("第四条第（二）项", "生产期间炉下渣坑存在积水", STEEL),
    ("第四条第（三）项", "连铸流程未设置事故钢水罐和中间罐溢流坑", STEEL),
    ("第六条第（一）项", "煤磨袋式收尘器未设置一氧化碳浓度监测报警装置", CEMENT),
    ("第六条第（二）项", "筒型储库人工清库作业未落实防止高处坠落措施", CEMENT),
    ("第六条第（三）项", "电石渣筒型储库未设置可燃气体浓度监测报警装置", CEMENT),
    ("第六条第（四）项", "进入破碎机内部清理前未断电挂牌上锁", STONE),
    ("第六条第（五）项", "燃气窑炉燃气总管未设置管道压力监测报警装置", {"category": "工贸企业", "industry": "陶瓷砖制造"}),
    ("第六条第（六）项", "制氢站未设置固定式可燃气体浓度监测报警装置", {"category": "工贸企业", "industry": "玻璃纤维"}),
    ("第六条第（七）项", "电熔制品电炉水冷设备失效", {"category": "工贸企业", "industry": "耐火材料"}),
    ("第六条第（八）项", "玻璃窑炉未设置水冷和风冷保护系统监测报警装置", {"category": "工贸企业", "industry": "玻璃纤维"}),
    ("第七条第（一）项", "熔炼车间交接班室设置在熔融金属吊运跨地坪区域内", FOUNDRY),
    ("第七条第（二）项", "中频炉未设置紧急排放和应急储存设施", FOUNDRY),
    ("第七条第（七）项", "使用油性漆的喷漆房未设置可燃气体浓度报警装置", MACHINERY),
    ("第七条第（七）项", "调漆间无通风设施", {"category": "工贸企业", "industry": "金属制品"}),
    ("第十一条第（一）项", "粉尘作业区内设置员工休息区", DUST),
    ("第十一条第（一）项", "木工车间设置在非框架结构的二层厂房内", DUST),
    ("第十一条第（二）项", "不同防火分区共用一套除尘系统", DUST),
    ("第十一条第（二）项", "抛光与打磨工位除尘管道互通", DUST),
    ("第十一条第（三）项", "除尘器未设置泄爆装置", {}),
    ("第十一条第（三）项", "除尘器泄爆口被封堵", DUST),
    ("第十一条第（四）项", "铝镁粉尘除尘系统采用正压除尘", DUST),
    ("第十一条第（四）项", "木粉正压吹送未设置火花探测消除装置", DUST),
    ("第十一条第（五）项", "除尘系统采用重力沉降室除尘", DUST),
    ("第十一条第（六）项", "干式除尘系统未按规范设置锁气卸灰装置", {}),
    ("第十一条第（六）项", "铝粉除尘系统未安装锁气卸灰装置", GONGMAO),
    ("第十一条第（七）项", "粉尘作业区域使用非防爆电气设备", {}),
    ("第十一条第（七）项", "打磨间开关、插座为非防爆型", DUST),
    ("第十一条第（八）项", "与砂光机连接的风管未设置火花探测消除装置", GONGMAO),
    ("第十一条第（八）项", "粉碎机进料口未设置除铁装置", DUST),
    ("第十一条第（九）项", "铝镁粉尘收集桶存放间未采取通风措施，存在氢气积聚风险", DUST),
    ("第十二条第（一）项", "水产品分割间空调系统采用氨直接蒸发制冷", AMMONIA),
    ("第十二条第（二）项", "快速冻结装置未设置在单独的作业间内", AMMONIA),
    ("第十二条第（二）项", "速冻间内同时作业人员达15人", AMMONIA),
    ("第十三条第（一）项", "污水池有限空间未辨识、未建立管理台账且未设置安全警示标志", SPACE),
    ("第十三条第（二）项", "有限空间作业前未进行通风检测", {}),
    ("第十三条第（二）项", "化粪池清掏作业未经审批", GONGMAO),
    ("第十三条第（二）项", "发酵池有限空间作业未设监护人员", SPACE),
]

# Near-misses: ordinary items, compliant states and other regimes; no Order No.10 item.
NEGATIVE = [
    ("除尘器泄爆口已设置但未定期检查", DUST),
    ("除尘系统未定期检查泄爆片", DUST),
    ("湿式除尘器未设置泄爆装置", DUST),
    ("除尘器灰斗未及时清灰", DUST),
    ("粉尘防爆安全培训记录不全", DUST),
    ("粉尘作业区未设置员工休息室", DUST),
    ("吸尘软管破损漏风", DUST),
    ("车间电气线路私拉乱接", DUST),
    ("防爆电气设备未定期检查", DUST),
    ("面粉除尘器未设锁气卸灰装置", DUST),
    ("灭火器过期", GONGMAO),
    ("配电箱未设置漏电保护装置", GONGMAO),
    ("包装间、分割间内设有液氨管道", AMMONIA),
    ("氨气浓度报警装置未定期校验", AMMONIA),
    ("速冻间作业人员8人", AMMONIA),
    ("有限空间作业未配备气体检测设备", SPACE),
    ("污水池警示标识褪色不清", SPACE),
    ("有限空间未设置安全警示标志", SPACE),
    ("有限空间作业人员未经专项培训", SPACE),
    ("动火作业未办理审批手续", SPACE),
    ("叉车司机无证驾驶", GONGMAO),
    ("起重机司机未持证上岗", GONGMAO),
    ("特种作业人员操作证未按期复审", GONGMAO),
    ("新员工三级安全教育记录缺失", GONGMAO),
    ("未与承租单位签订安全生产管理协议", GONGMAO),
    ("电工作业未佩戴绝缘手套", GONGMAO),
    ("主要负责人未经考核合格", {"category": "工贸企业", "industry": "服装服饰"}),
    ("中频炉冷却水系统巡检记录不全", FOUNDRY),
    ("喷涂作业区未配备通风设施", {"category": "工贸企业", "industry": "树脂工艺品"}),
    ("调漆间未设置可燃气体报警装置", {"category": "工贸企业", "industry": "食品加工"}),
    ("使用水性漆的喷漆房未设置可燃气体报警装置", MACHINERY),
    ("石材切割区未设置防护围挡", STONE),
]

FIRE = "消防（火灾）"


@pytest.mark.parametrize(("label", "description", "context"), POSITIVE,
                         ids=[f"{label}:{description}" for label, description, _ in POSITIVE])
def test_each_item_is_found_as_a_clerk_writes_it(label, description, context):
    found = judge(description, **context)
    assert found is not None and found.article == label, found
    assert found.scope_note is None
    assert found.matched and all(word in description for word in found.matched.split("、"))


def test_every_encoded_item_has_a_description_that_must_match():
    assert {label for label, _, _ in POSITIVE} == {item["label"] for item in rules()}


@pytest.mark.parametrize(("description", "context"), NEGATIVE, ids=[d for d, _ in NEGATIVE])
def test_near_misses_get_no_item(description, context):
    found = judge(description, **context)
    assert found is None or found.article is None, found


def test_the_matched_words_are_quoted_in_description_order():
    found = judge("车间承包给外来班组，未统一协调管理、未定期检查", category="工贸企业")
    assert found == Judgement("第三条第（一）项", "承包、未统一协调", None)
    assert judge("部分厂房出租给其他企业，未签订安全管理协议、未统一协调管理").matched == "出租、未统一协调"
    assert judge("除尘器未设置泄爆装置").matched == "除尘、未设置泄爆装置"


# ----------------------------------------------------------------------------- scope notes

def test_fire_gets_only_a_scope_note():
    found = judge("消防通道堵塞", category="工贸企业")
    assert found.article is None and found.matched == "消防"
    assert found.scope_note.startswith(FIRE) and "GB 35181" in found.scope_note
    assert judge("灭火器过期").scope_note.startswith(FIRE)


@pytest.mark.parametrize(("description", "context", "topic"), [
    ("燃气管道未安装可燃气体报警装置", GONGMAO, "燃气"),
    ("餐厅在地下室使用瓶装液化石油气", {"category": "住宿餐饮"}, "燃气"),
    ("叉车司机无证驾驶", GONGMAO, "特种设备"),
    ("医用氧气瓶未固定", {"category": "医院"}, "特种设备"),
    ("乙炔瓶与氧气瓶间距不足", GONGMAO, "特种设备"),
    ("化学品安全技术说明书未张贴", GONGMAO, "危险化学品"),
    ("使用易燃溶剂区域未设置可燃气体报警装置", GONGMAO, "危险化学品"),
    ("塔式起重机安装未编制专项施工方案", {"category": "在建施工项目"}, "建设工程"),
    ("生产车间与员工宿舍设置在同一自建厂房内", GONGMAO, "消防"),
    ("学生宿舍疏散通道堆放杂物", {"category": "学校"}, "消防"),
])
def test_special_standards_get_a_scope_note_instead_of_an_item(description, context, topic):
    found = judge(description, **context)
    assert found is not None and found.article is None
    assert found.scope_note.startswith(topic), found.scope_note


def test_the_construction_note_is_only_for_construction_projects():
    assert judge("脚手架搭设不规范", category="在建施工项目").scope_note.startswith("建设工程")
    assert judge("脚手架搭设不规范", category="工贸企业") is None


def test_the_hazard_kind_gives_a_note_when_the_words_do_not():
    found = judge("夜间值班人员配备不足", kind="消防安全", category="福利机构")
    assert found == Judgement(None, "", found.scope_note) and found.scope_note.startswith(FIRE)
    assert judge("夜间值班人员配备不足", category="福利机构") is None


def test_an_item_wins_over_a_scope_note():
    # 燃气 words, but an item of article 6 (建材) describes it
    found = judge("燃气窑炉燃气总管未设置管道压力监测报警装置", category="工贸企业", industry="建筑陶瓷")
    assert found.article == "第六条第（五）项"
    assert judge("燃气窑炉燃气总管未设置管道压力监测报警装置", category="工贸企业",
                 industry="服装服饰").scope_note.startswith("燃气")


# ----------------------------------------------------------------------------- scope rules

@pytest.mark.parametrize("category", ["学校", "医院", "福利机构", "文旅场所", "在建施工项目", "住宿餐饮"])
def test_units_outside_gongmao_get_no_item(category):
    assert judge("有限空间作业前未进行通风检测", category=category) is None
    assert judge("除尘器未设置泄爆装置", risk_flags=["粉尘涉爆"], category=category) is None
    assert judge("电工未持特种作业操作证上岗", category=category) is None


@pytest.mark.parametrize("category", [None, "", "工贸企业", "工贸", "工贸行业"])
def test_gongmao_or_unknown_units_can_get_items(category):
    assert judge("除尘器未设置泄爆装置", category=category).article == "第十一条第（三）项"


def test_industry_items_only_for_units_of_that_industry():
    description = "使用油性漆的喷漆房未设置可燃气体浓度报警装置"
    for industry in ("机械加工", "电子", "电子电器", "金属制品", "精密铸造"):
        assert judge(description, industry=industry).article == "第七条第（七）项", industry
    for industry in ("服装服饰", "食品加工", "树脂工艺品", None):
        assert judge(description, industry=industry) is None, industry


def test_a_special_category_applies_by_flag_by_the_words_or_by_the_kind():
    description = "打磨间开关、插座为非防爆型"  # names no dust
    assert judge(description, category="工贸企业") is None
    assert judge(description, risk_flags=["粉尘涉爆"]).article == "第十一条第（七）项"
    assert judge(description, risk_flags="粉尘涉爆、有限空间作业").article == "第十一条第（七）项"
    assert judge(description, kind="粉尘防爆").article == "第十一条第（七）项"
    assert judge("除尘器未设置泄爆装置").article == "第十一条第（三）项"  # the words name it
    # ammonia: a freon quick-freezer is not article 12
    assert judge("速冻机未设置在单独作业间", category="工贸企业") is None
    assert judge("速冻机未设置在单独作业间", risk_flags=["涉氨制冷"]).article == "第十二条第（二）项"


def test_metal_smelting_by_flag_or_by_industry():
    description = "主要负责人未经考核合格"
    assert judge(description, risk_flags=["金属冶炼"]).article == "第三条第（三）项"
    assert judge(description, industry="钢铁冶炼").article == "第三条第（三）项"
    assert judge(description, industry="铝冶炼").article == "第三条第（三）项"
    assert judge(description, industry="印刷") is None


def test_industries_of_the_demo_ledgers():
    expected = {
        "木制品加工": ("轻工",), "食品加工": ("轻工",), "鞋服制造": ("轻工", "纺织"), "纺织": ("纺织",),
        "印刷包装": ("轻工",), "电子": ("机械",), "树脂工艺品": ("轻工",), "石材加工": ("建材",),
        "机械加工": ("机械",), "仓储物流": ("商贸",), "服装服饰": ("纺织",), "精密铸造": ("机械",),
        "木制品家具": ("轻工",), "电子电器": ("机械",), "冷链仓储": ("商贸",),
    }
    assert {name: industries_of(name) for name in expected} == expected
    assert industries_of(None) == () and industries_of("") == ()


# ----------------------------------------------------------------------------- normalisation

def test_normalise_folds_width_space_case_and_invisible_characters():
    assert normalise("除尘器　未设置（泄爆）装置，ＡＢＣ；１５人\u200b") == "除尘器未设置(泄爆)装置,abc;15人"
    assert normalise(None) == "" and normalise("  \t") == ""


@pytest.mark.parametrize("description", [
    "除 尘 器 未 设 置 泄 爆 装 置",
    "除尘器未设置\u3000泄爆装置",
    "除尘器未\u200b设置泄爆装置",
    "除尘器，未设置泄爆装置",
])
def test_spaces_width_and_invisible_characters_do_not_hide_an_item(description):
    assert judge(description).article == "第十一条第（三）项"


def test_full_width_digits_and_the_quote_keeps_the_original_text():
    found = judge("速冻间内同时作业人员达１５人", **AMMONIA)
    assert found.article == "第十二条第（二）项" and found.matched == "速冻、１５人"
    assert judge("除 尘器未设置泄爆装置").matched == "除 尘、未设置泄爆装置"


def test_empty_descriptions():
    assert judge("") is None and judge(None) is None and judge("   ") is None


# ----------------------------------------------------------------------------- determinism

def test_the_first_matching_item_in_table_order_wins():
    found = judge("除尘器未设置泄爆装置和锁气卸灰装置", **DUST)  # articles 11(3) and 11(6)
    assert found.article == "第十一条第（三）项"
    labels = [item["label"] for item in rules()]
    assert labels.index("第十一条第（三）项") < labels.index("第十一条第（六）项")


def test_judging_is_deterministic():
    cases = [(d, c) for _, d, c in POSITIVE] + list(NEGATIVE)
    first = [judge(d, **c) for d, c in cases]
    assert first == [judge(d, **c) for d, c in cases]
    flags = ["有限空间作业", "粉尘涉爆", "涉氨制冷"]
    assert judge("打磨间开关、插座为非防爆型", risk_flags=flags) == \
        judge("打磨间开关、插座为非防爆型", risk_flags=tuple(reversed(flags)))


# ----------------------------------------------------------------------------- the table

@pytest.fixture(scope="module")
def table():
    return yaml.safe_load(judge_module.TABLE_FILE.read_text(encoding="utf-8"))


def test_every_item_is_complete_and_labels_are_unique(table):
    labels = []
    for item in table["items"]:
        for key in ("article", "item", "label", "text", "scope", "patterns", "verified", "source"):
            assert item.get(key), (item.get("label"), key)
        assert item["label"] == item["article"] + item["item"]
        assert re.fullmatch(r"第[一二三四五六七八九十]+条", item["article"]), item["label"]
        assert re.fullmatch(r"第（[一二三四五六七八九十]+）项", item["item"]), item["label"]
        assert item["verified"] in ("全文", "部分")
        if item["verified"] == "部分":
            assert item.get("note"), item["label"]
        assert all(source in table["sources"] for source in item["source"]), item["label"]
        assert isinstance(item["patterns"], list) and item["patterns"]
        for alternative in item["patterns"]:
            assert isinstance(alternative, list) and alternative and all(
                isinstance(term, str) and term for term in alternative), item["label"]
        labels.append(item["label"])
    assert len(labels) == len(set(labels))


def test_every_term_compiles(table):
    terms = [term for item in table["items"] for alternative in item["patterns"] for term in alternative]
    terms += [term for item in table["items"] for term in item.get("unless") or ()]
    terms += [term for note in table["scope_notes"] for alternative in note["patterns"] for term in alternative]
    for term in terms:
        judge_module._compile(term)


def test_scopes_name_known_categories_industries_and_flags(table):
    categories, industries = table["categories"], table["industries"]
    for item in table["items"]:
        scope = item["scope"]
        if isinstance(scope, str):
            assert scope == "工贸" or scope in categories, item["label"]
        else:
            assert scope and all(name in industries for name in scope), item["label"]
    assert {entry["flag"] for entry in categories.values()} <= set(RISK_FLAGS)
    for note in table["scope_notes"]:
        assert set(note.get("categories") or ()) <= set(CATEGORIES), note["topic"]
    assert set(industries) == {"冶金", "有色", "建材", "机械", "轻工", "纺织", "烟草", "商贸"}


def test_items_follow_the_order_of_the_order(table):
    numerals = "一二三四五六七八九十"

    def number(text):
        text = text.strip("第条（）项")
        if text.startswith("十"):
            return 10 + (numerals.index(text[1]) + 1 if len(text) > 1 else 0)
        return numerals.index(text[0]) + 1 + (10 if text.endswith("十") and len(text) > 1 else 0)

    keys = [(number(item["article"]), number(item["item"])) for item in table["items"]]
    assert keys == sorted(keys)


def test_the_loader_refuses_a_broken_table(table):
    broken = copy.deepcopy(table)
    broken["items"][1]["label"] = broken["items"][0]["label"]
    with pytest.raises(ValueError, match="twice|not article"):
        judge_module._check(broken)
    broken = copy.deepcopy(table)
    broken["items"][0]["patterns"] = []
    with pytest.raises(ValueError, match="lacks patterns"):
        judge_module._check(broken)
    broken = copy.deepcopy(table)
    broken["items"][0]["scope"] = ["有色金属加工"]
    with pytest.raises(ValueError, match="unknown industries"):
        judge_module._check(broken)


def test_rules_returns_copies_of_the_table_in_order(table):
    items = rules()
    assert [item["label"] for item in items] == [item["label"] for item in table["items"]]
    items[0]["patterns"].clear()
    assert rules()[0]["patterns"]
    assert [note["topic"] for note in scope_notes()] == ["燃气", "建设工程", "特种设备", "危险化学品", "消防"]
