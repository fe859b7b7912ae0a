"""The ledger contract (台账规范): what the bureau drops into ``raw/``.

One place that the reader, the validation SQL, the blank templates, the docs
(``docs/ledgers.md``) and the tests all use.  Each ledger has an ASCII key (the
Dagster asset key and the warehouse table), a Chinese name, the file stems it is
recognised by, and its columns: internal name, Chinese header, accepted header
aliases, whether it is required, its kind and, for enumerated fields, the
accepted values with their aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Separators of multi-value cells: 、，,；; and white space.
MULTI_SEPARATORS = r"[、，,；;\s]+"

SUBDISTRICTS = ("丰泽街道", "东湖街道", "泉秀街道", "清源街道", "华大街道", "城东街道", "东海街道", "北峰街道")
CATEGORIES = ("工贸企业", "学校", "医院", "福利机构", "文旅场所", "在建施工项目", "住宿餐饮")
RISK_FLAGS = (
    "粉尘涉爆", "涉氨制冷", "有限空间作业", "金属冶炼",
    "危险化学品使用", "自建厂房", "临山临水", "人员密集",
)
# The risk features of MEM Order No.10's major-accident categories (重大事故风险特征); the
# SQL macro major_accident_flags() reads this list.
MAJOR_ACCIDENT_FLAGS = RISK_FLAGS[:4]
EXPERT_DOMAINS = ("工贸", "危险化学品（烟花爆竹）", "建筑工程", "防汛抗旱", "消防安全")
EXPERT_DOMAIN_ALIASES = {"危险化学品（烟花爆竹）": ("危险化学品", "危化品", "烟花爆竹", "危险化学品(烟花爆竹)")}


@dataclass(frozen=True)
class Column:
    name: str                      # internal column name
    header: str                    # the Chinese header of the contract
    kind: str = "text"             # text | int | date | enum | multi | uscc | yesno | id | phone
    required: bool = True
    aliases: tuple[str, ...] = ()  # other headers accepted for this column
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # enum: value -> aliases
    ref: str | None = None         # ledger whose key this column references
    default: str | None = None     # value taken when the cell is empty (optional columns)
    max_value: int | None = None   # upper bound of a sane integer
    given_by: tuple[str, ...] = () # columns that may stand in for this one (a firm's name for its number)


@dataclass(frozen=True)
class Ledger:
    key: str                 # ASCII: asset key and warehouse table
    title: str               # Chinese name
    stems: tuple[str, ...]   # file stems that identify it (besides ``key``)
    columns: tuple[Column, ...]
    date_column: str | None = None  # the event date, if the ledger records events
    # A form may number its rows 序号 instead of giving IDs: a missing ID is then made from
    # these columns (the same content gives the same ID every week), with this prefix.
    derived_id: tuple[str, ...] = ()
    id_prefix: str = ""

    @property
    def id_column(self) -> Column:
        return self.columns[0]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def header_names(self) -> dict[str, str]:
        """Every accepted header (and alias) -> internal column name."""
        names: dict[str, str] = {}
        for col in self.columns:
            for h in (col.header, *col.aliases):
                names[normalise_header(h)] = col.name
        return names


# White space of every kind and the invisible format characters a copy-paste brings along
# (zero-width spaces and joiners, byte-order marks, soft hyphens, word joiners).
INVISIBLE = re.compile(r"[\s\u00a0\u00ad\u180e\u200b-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u3000\ufeff]+")


def missing_columns(ledger: Ledger, found: set[str]) -> list[Column]:
    """The required columns of ``ledger`` that a header with columns ``found`` lacks: an ID
    the ledger can derive, or a column another found column stands in for, is not missing."""
    return [c for c in ledger.columns
            if c.required and c.name not in found
            and not (c is ledger.id_column and ledger.derived_id)
            and not any(g in found for g in c.given_by)]


def normalise_header(text: str) -> str:
    """Headers compare without white space or invisible characters, full-width
    parentheses or a '*' (required-column mark)."""
    return INVISIBLE.sub("", str(text)).translate(str.maketrans({"（": "(", "）": ")", "*": ""}))


def _enum(*pairs: tuple[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return dict(pairs)


YES_NO = _enum(("是", ("Y", "YES", "TRUE", "1", "√")), ("否", ("N", "NO", "FALSE", "0", "×")))
SUBDISTRICT_VALUES = {s: (s.removesuffix("街道"),) for s in SUBDISTRICTS}

UNITS = Ledger(
    key="units",
    title="监管对象台账",
    stems=("监管对象台账", "生产经营单位监管台账", "监管台账"),
    columns=(
        Column("unit_id", "单位编号", "id", aliases=("企业编号", "编号")),
        Column("uscc", "统一社会信用代码", "uscc", aliases=("信用代码", "社会信用代码")),
        Column("name", "单位名称", aliases=("企业名称", "名称")),
        Column("category", "监管类别", "enum", aliases=("单位类别", "行业类别"), values=_enum(
            ("工贸企业", ("工贸", "工贸行业")),
            ("学校", ("教育", "学校单位")),
            ("医院", ("医疗机构", "卫生院")),
            ("福利机构", ("养老机构", "社会福利机构", "福利院")),
            ("文旅场所", ("文化旅游场所", "文体旅游场所", "娱乐场所")),
            ("在建施工项目", ("在建项目", "建设工程", "建筑工地", "施工项目")),
            ("住宿餐饮", ("餐饮住宿", "住宿和餐饮")),
        )),
        Column("industry", "行业", required=False, aliases=("所属行业", "国民经济行业")),
        Column("subdistrict", "所属街道", "enum", aliases=("所在街道", "街道", "辖区"),
               values=SUBDISTRICT_VALUES),
        Column("address", "地址", required=False, aliases=("单位地址", "经营地址", "详细地址")),
        Column("employees", "从业人数", "int", aliases=("职工人数", "员工人数"), max_value=200_000),
        Column("risk_flags", "风险特征", "multi", required=False, aliases=("风险类型",),
               values={f: () for f in RISK_FLAGS}),
        Column("std_grade", "标准化等级", "enum", aliases=("安全生产标准化等级",), values=_enum(
            ("一级", ("标准化一级", "1级")), ("二级", ("标准化二级", "2级")),
            ("三级", ("标准化三级", "3级")), ("小微达标", ("小微企业达标", "不定级达标")),
            ("未达标", ("无", "未创建")),
        ), default=""),
        Column("tier", "创建类别", "enum", aliases=("创建等级",), values=_enum(
            ("精品", ("精品企业",)), ("标杆", ("标杆企业",)), ("评审达标", ("达标", "达标企业")),
        ), default=""),
        Column("demo_posts", "示范岗位数", "int", required=False, aliases=("示范岗位",),
               default="0", max_value=10_000),
        Column("accidents_3y", "近三年事故起数", "int", required=False,
               aliases=("近三年事故数", "事故起数"), default="0", max_value=1_000),
        Column("last_inspected", "最近检查日期", "date", required=False, aliases=("上次检查日期",)),
        Column("status", "经营状态", "enum", aliases=("状态", "登记状态"), values=_enum(
            ("在营", ("存续", "开业", "正常", "在业")), ("停产", ("停业", "歇业", "停产整顿")),
            ("注销", ("吊销", "已注销", "关闭")),
        )),
    ),
)

# A firm named instead of numbered (a subdistrict's own form): matched to its unit by
# credit code, then by its name within its subdistrict.
UNIT_BY_NAME = (
    Column("unit_name", "企业名称", required=False, aliases=("单位名称", "企业（单位）名称", "生产经营单位名称")),
    Column("unit_uscc", "统一社会信用代码", "id", required=False, aliases=("信用代码", "社会信用代码")),
    Column("unit_subdistrict", "所属街道", "enum", required=False, aliases=("所在街道", "街道"),
           values=SUBDISTRICT_VALUES),
)

HAZARDS = Ledger(
    key="hazards",
    title="隐患排查治理台账",
    stems=("隐患排查治理台账", "隐患台账", "隐患排查台账"),
    date_column="found_on",
    columns=(
        Column("hazard_id", "隐患编号", "id"),
        Column("unit_id", "单位编号", "id", aliases=("企业编号",), ref="units",
               given_by=("unit_name", "unit_uscc")),
        Column("found_on", "发现日期", "date", aliases=("排查日期", "检查日期")),
        Column("level", "隐患级别", "enum", aliases=("隐患等级",), values=_enum(
            ("一般隐患", ("一般", "一般事故隐患")), ("重大隐患", ("重大", "重大事故隐患")),
        )),
        Column("kind", "隐患类别", required=False, aliases=("隐患类型",)),
        Column("description", "隐患描述", required=False, aliases=("隐患内容", "问题描述")),
        Column("due_on", "整改期限", "date", aliases=("整改时限", "整改截止日期")),
        Column("fixed_on", "整改完成日期", "date", required=False, aliases=("完成整改日期", "整改日期")),
        Column("source", "发现途径", "enum", required=False, aliases=("隐患来源", "发现方式"), values=_enum(
            ("执法检查", ("执法", "监督检查")), ("专家指导", ("专家", "专家检查")),
            ("企业自查", ("自查",)), ("帮扶检查", ("帮扶",)),
        )),
        # what a subdistrict's own form carries instead (the bureau's export leaves them empty)
        *UNIT_BY_NAME,
        Column("status", "整改情况", "enum", required=False, aliases=("整改状态", "整改进展"),
               values=_enum(("已整改", ("已完成", "已销号", "整改完毕", "完成整改")),
                            ("整改中", ("正在整改", "整改未完成")), ("未整改", ("尚未整改",)))),
        Column("checked_on", "复查日期", "date", required=False, aliases=("复查验收日期", "复查时间")),
        # 复核: the bureau's conclusion on a suspected major hazard (judged against Order No.10)
        Column("review", "复核结论", "enum", required=False, aliases=("重大隐患复核结论",),
               values=_enum(("确认重大", ("确认为重大隐患", "确认")), ("维持一般", ("维持一般隐患", "不属于重大隐患")))),
        Column("reviewed_on", "复核日期", "date", required=False),
        Column("reviewer", "复核人", required=False, aliases=("复核人员",)),
        # the follow-up of a major hazard to 销号
        Column("supervisor", "挂牌督办单位", required=False, aliases=("督办单位",)),
        Column("supervision_doc", "督办文号", required=False, aliases=("挂牌督办文号", "督办通知书编号")),
        Column("supervised_on", "挂牌日期", "date", required=False, aliases=("督办日期", "挂牌督办日期")),
        Column("plan_responsible", "整改责任人", required=False, aliases=("整改责任单位和人员",)),
        Column("plan_measures", "整改措施", required=False, aliases=("整改方法和措施",)),
        Column("plan_funds", "整改资金", required=False, aliases=("整改资金（万元）", "经费和物资")),
        Column("plan_contingency", "应急预案", required=False, aliases=("安全措施和应急预案", "应急措施")),
        Column("stop_work", "停产停业整改", "yesno", required=False, aliases=("停产整改", "局部停产停业"),
               values=YES_NO),
        Column("applied_on", "申请验收日期", "date", required=False, aliases=("验收申请日期",)),
        Column("accepted_on", "验收日期", "date", required=False, aliases=("验收通过日期",)),
        Column("accepted_by", "验收人员", required=False, aliases=("验收人",)),
        Column("closed_on", "销号日期", "date", required=False, aliases=("销号时间",)),
    ),
    derived_id=("unit_id", "unit_uscc", "unit_name", "found_on", "description"),
    id_prefix="YH-",
)

DEPARTMENTS = Ledger(
    key="departments",
    title="区直单位",
    stems=("区直单位", "区直部门", "部门名单"),
    columns=(
        Column("dept", "单位名称", "id", aliases=("部门名称", "部门")),
        Column("domains", "职责领域", "multi", aliases=("职责", "监管领域"),
               values={**UNITS.column("category").values, **{f: () for f in RISK_FLAGS}}),
        Column("participates", "是否参与帮扶", "yesno", aliases=("参与帮扶",), values=YES_NO),
    ),
)

CADRES = Ledger(
    key="cadres",
    title="干部名册",
    stems=("干部名册", "干部花名册", "人员名册"),
    columns=(
        Column("cadre_id", "工号", "id", aliases=("干部工号", "人员编号")),
        Column("name", "姓名"),
        Column("dept", "所属单位", aliases=("单位", "所在单位"), ref="departments"),
        Column("title", "职务", required=False, aliases=("职位",)),
        Column("phone", "手机号码", "phone", required=False, aliases=("手机", "联系电话", "电话")),
        Column("licence", "执法证号", required=False, aliases=("执法证编号", "执法证")),
        Column("on_team", "帮扶工作队", "yesno", aliases=("是否工作队成员",), values=YES_NO),
        # an enforcement licence past its date is no licence: the officer checks nobody
        Column("licence_expires", "执法证有效期至", "date", required=False,
               aliases=("执法证有效期", "有效期至")),
    ),
)

EXPERTS = Ledger(
    key="experts",
    title="专家库",
    stems=("专家库", "专家名单", "专家名册"),
    columns=(
        Column("expert_id", "专家编号", "id"),
        Column("name", "姓名", aliases=("专家姓名",)),
        Column("domains", "专业领域", "multi", aliases=("专业", "擅长领域"),
               values={d: EXPERT_DOMAIN_ALIASES.get(d, ()) for d in EXPERT_DOMAINS}),
        Column("employer", "工作单位", aliases=("单位",)),
        Column("phone", "手机号码", "phone", required=False, aliases=("手机", "联系电话", "电话")),
        Column("resident", "驻局专家", "yesno", aliases=("是否驻局",), values=YES_NO),
        Column("weekly_cap", "每周服务上限", "int", aliases=("每周上限",), max_value=50),
    ),
)

VISITS = Ledger(
    key="visits",
    title="帮扶服务记录",
    stems=("帮扶服务记录", "服务记录", "帮扶记录"),
    date_column="visited_on",
    columns=(
        Column("visit_id", "记录编号", "id", aliases=("服务编号",)),
        Column("visited_on", "服务日期", "date", aliases=("帮扶日期", "日期")),
        Column("unit_id", "单位编号", "id", aliases=("企业编号",), ref="units",
               given_by=("unit_name", "unit_uscc")),
        Column("cadre_id", "干部工号", "id", required=False, aliases=("工号",), ref="cadres"),
        Column("expert_ids", "专家编号", "multi", required=False, ref="experts"),
        Column("kind", "服务方式", "enum", aliases=("服务类型",), values=_enum(
            ("执法检查", ("执法",)), ("专家指导", ("指导", "专家服务")),
            ("培训", ("安全培训", "宣传培训")), ("评审观摩", ("观摩",)),
        )),
        Column("problems_found", "发现问题数", "int", aliases=("发现问题",), max_value=500),
        Column("problems_solved", "解决问题数", "int", aliases=("解决问题",), max_value=500),
        *UNIT_BY_NAME,
        Column("cadre_name", "干部姓名", required=False, aliases=("帮扶干部", "包保干部", "检查人员")),
        Column("expert_names", "专家姓名", "multi", required=False, aliases=("指导专家",)),
        # an enforcement check (执法检查) is made by two licensed officers (行政处罚法 第四十二条):
        # the second one, the document issued and the outcome, for the 双随机 results (一公开)
        Column("cadre_id_2", "第二执法人员工号", "id", required=False,
               aliases=("执法人员2工号", "第二检查人员工号", "协查人员工号"), ref="cadres"),
        Column("document_no", "执法文书编号", required=False,
               aliases=("文书编号", "执法文书号", "责令限期整改指令书编号")),
        Column("outcome", "检查结果", "enum", required=False, aliases=("处理结果", "检查结论"), values=_enum(
            ("合格", ("未发现问题", "无问题", "符合要求")),
            ("责令整改", ("责令限期整改", "限期整改", "当场整改", "责令改正")),
            ("立案", ("立案查处", "行政处罚", "立案处罚")),
        )),
        # a practice seen on the visit that is worth spreading (典型做法), in a sentence, or
        # empty: the weekly report's 典型做法 paragraph quotes it
        Column("good_practice", "典型做法", required=False, aliases=("经验做法", "典型经验")),
    ),
    derived_id=("unit_id", "unit_uscc", "unit_name", "visited_on", "kind", "cadre_id", "cadre_name"),
    id_prefix="FW-",
)

REVIEWS = Ledger(
    key="reviews",
    title="标准化评审记录",
    stems=("标准化评审记录", "评审记录", "标准化评审"),
    date_column="reviewed_on",
    columns=(
        Column("review_id", "评审编号", "id"),
        Column("unit_id", "单位编号", "id", aliases=("企业编号",), ref="units"),
        Column("reviewed_on", "评审日期", "date"),
        Column("review_kind", "评审类型", aliases=("评审类别",)),
        Column("result", "评审结果", "enum", aliases=("结果",), values=_enum(
            ("通过", ("合格", "达标", "是")), ("不通过", ("不合格", "未通过", "否")),
        )),
        Column("expert_ids", "评审专家", "multi", required=False, aliases=("专家编号",),
               ref="experts"),
        Column("observers", "观摩企业数", "int", required=False, aliases=("观摩企业",),
               max_value=1_000),
    ),
)

# Load order matters: a ledger is checked against the clean rows of those before it.
LEDGERS: tuple[Ledger, ...] = (UNITS, DEPARTMENTS, EXPERTS, CADRES, HAZARDS, VISITS, REVIEWS)
BY_KEY = {ledger.key: ledger for ledger in LEDGERS}

# Event dates: the newest of these decides the latest complete week (deadlines do not count).
EVENT_DATES = {"hazards": ("found_on", "fixed_on"), "visits": ("visited_on",),
               "reviews": ("reviewed_on",)}

# Rows whose first filled cell says this are totals, not data.
TOTAL_MARKERS = ("合计", "总计", "小计")

# Credit-code prefixes (登记管理部门 + 机构类别) that fit each kind of unit.
USCC_PREFIXES = {
    "工贸企业": ("91", "92"),
    "学校": ("12", "52", "91"),
    "医院": ("12", "52", "91", "92"),
    "福利机构": ("12", "52", "91"),
    "文旅场所": ("91", "92", "12"),
    "在建施工项目": ("91", "12"),
    "住宿餐饮": ("91", "92"),
}

# Why a row is quarantined (隔离原因): stable codes, each with what the clerk should do.
PROBLEM_CODES = {
    "missing_required": "必填项为空：补上该值",
    "not_a_number": "不是有效的整数：只填阿拉伯数字",
    "negative_number": "数值为负：核对后改为0或正数",
    "absurd_number": "数值超出合理范围：核对是否多打了位数",
    "bad_date": "无法识别的日期或不存在的日期：写作 2023-08-15",
    "date_too_early": "日期早于2000年：核对年份",
    "date_in_future": "事件日期晚于运行当天：核对年份或月份",
    "deadline_before_found": "整改期限早于发现日期：核对两个日期",
    "fixed_before_found": "整改完成日期早于发现日期：核对两个日期",
    "solved_exceeds_found": "解决问题数大于发现问题数：核对两个数",
    "unknown_value": "取值不在允许范围：按模板的下拉列表填写",
    "uscc_format": "统一社会信用代码格式不对：应为18位数字和大写字母（不含I、O、S、V、Z）",
    "uscc_check": "统一社会信用代码校验位不对：多半抄错了一位，请对照营业执照",
    "uscc_kind_mismatch": "统一社会信用代码前两位与单位类别不符：核对代码或监管类别",
    "unknown_reference": "引用的单位、干部、专家或部门不存在：先在对应台账中登记，或改正编号",
    "duplicate_key": "编号重复：同一编号只保留第一条有效记录，后面的请删除或改号",
    "duplicate_conflict": "同一编号出现在两个文件（或工作表）中且内容不同：核对后只留正确的一条",
    "excel_error": "单元格是 Excel 错误值（#VALUE!、#REF!、#DIV/0! 等）：改正公式或填入实际值",
    "number_reformatted": "数字被 Excel 改成了科学计数法（如 1.34148E+10），原数字已丢失：把该列设为文本后重新填写",
    "bad_phone": "电话号码不对：手机11位，座机写作 0595-22345678",
    "unknown_unit": "按企业名称找不到单位（清单中列出相近的名称）：核对名称，或填上单位编号或统一社会信用代码",
    "ambiguous_unit": "同一企业名称对应多家单位：补上统一社会信用代码或所属街道",
    "fixed_without_date": "整改情况为已整改，但没有整改完成日期或复查/验收日期：补上日期",
    "status_conflict": "整改情况为未完成，却填了整改完成日期：核对二者",
}

# Values loaded corrected (the row is kept, the fix list says what was done); a problem in
# an optional column blanks the value instead of quarantining the row (its code above).
FIX_CODES = {
    "invisible_chars": "编号或选项中有空格或不可见字符（如零宽空格）：已去除；请在原表中删去",
    "leading_zero_restored": "座机号码前面的0被 Excel 去掉了：已补回；请在原表中把该列设为文本",
    "unclosed_quote": "一行中有未闭合的英文双引号：已按原样读作字符，后面的行照常读取；请核对该行",
}
SKIP_CODES = {
    "title_row": "表头上方的标题行或空行",
    "blank_row": "空行",
    "total_row": "合计/总计行",
    "superseded": "同一台账的更正版或较新版本中也有这一编号，以那一版为准",
    "duplicate_copy": "与另一文件（或工作表）中同一编号的行完全相同，只读一次",
}
