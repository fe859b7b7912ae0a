"""The project's configuration (配置, ``pipeline/bangfu.yaml``), validated on load.

``BangfuConfig`` is both the validated file and the Dagster run config of the ``derive``
step: the weekly job offers the file's values as its default run config, so the
launchpad shows them and validates any override.  Unknown keys and impossible values are
errors that name the key.  The effective configuration is hashed as canonical JSON
(``config_sha256``).  Nothing is read at import time: ``load_config()`` reads the file.
"""

import datetime as dt
import hashlib
import json
import re
import string
from pathlib import Path

import yaml
from dagster import Config
from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.core.errors import BangfuError
from pipeline.core.ledgers import CATEGORIES, EXPERT_DOMAINS, RISK_FLAGS, SUBDISTRICTS

CONFIG_FILE = Path(__file__).resolve().parents[1] / "bangfu.yaml"
GRADES = ("一级", "二级", "三级", "小微达标", "未达标", "无")


class Strict(Config):
    model_config = ConfigDict(extra="forbid", frozen=True)


def only_keys(value: dict, allowed, what: str) -> dict:
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValueError(f"不认识的{what}：{'、'.join(unknown)}（允许：{'、'.join(allowed)}）")
    return value


class Scoring(Strict):
    flags: dict[str, float]
    hazard_general: float = Field(ge=0)
    hazard_major: float = Field(ge=0)
    overdue_factor: float = Field(ge=1)
    accident: float = Field(ge=0)
    accidents_cap: int = Field(ge=0)
    grade: dict[str, float]
    inspection_per_30_days: float = Field(ge=0)
    inspection_cap: float = Field(ge=0)
    size_per_log10: float = Field(ge=0)

    @field_validator("flags")
    @classmethod
    def _flags(cls, v):
        if any(w < 0 for w in v.values()):
            raise ValueError("风险特征的分值不能为负")
        return only_keys(v, RISK_FLAGS, "风险特征")

    @field_validator("grade")
    @classmethod
    def _grade(cls, v):
        if set(v) != set(GRADES) or any(w < 0 for w in v.values()):
            raise ValueError(f"须为每个等级给出非负分值：{'、'.join(GRADES)}")
        return v


class Targets(Strict):
    count: int = Field(ge=1, le=10_000)
    gongmao_share: float = Field(ge=0, le=1)
    cover_every_subdistrict: bool
    reasons: int = Field(ge=1, le=8)


class KeyEnterprises(Strict):
    count: int = Field(ge=0, le=100_000)


class Links(Strict):
    """部门驻点: links fixed by the bureau (subdistrict → department, spelled as the
    departments ledger spells it); the others are assigned optimally once per phase."""
    fixed: dict[str, str]

    @field_validator("fixed")
    @classmethod
    def _fixed(cls, v):
        only_keys(v, SUBDISTRICTS, "街道")
        if any(not d.strip() for d in v.values()):
            raise ValueError("驻点部门名称不能为空")
        twice = sorted({d for d in v.values() if list(v.values()).count(d) > 1})
        if twice:
            raise ValueError(f"一个区直单位只能驻点一个街道：{'、'.join(twice)}")
        return v


class Coverage(Strict):
    """全域覆盖: each subdistrict's supervision priorities (行业监管重点), each a 监管类别 or
    a 风险特征; the list of targets includes the best-scoring unit of each when it is
    decided (within targets.count), and coverage_priorities says how each is covered."""
    priorities: dict[str, list[str]]

    @field_validator("priorities")
    @classmethod
    def _priorities(cls, v):
        only_keys(v, SUBDISTRICTS, "街道")
        for sub, items in v.items():
            only_keys(dict.fromkeys(items), CATEGORIES + RISK_FLAGS, f"监管重点（{sub}，须为监管类别或风险特征）")
            if len(set(items)) != len(items):
                raise ValueError(f"{sub}的监管重点重复")
        return v


class Assignment(Strict):
    expert_domains: dict[str, list[str]]

    @field_validator("expert_domains")
    @classmethod
    def _domains(cls, v):
        only_keys(v, RISK_FLAGS + CATEGORIES, "风险特征或监管类别")
        for key, domains in v.items():
            only_keys(dict.fromkeys(domains), EXPERT_DOMAINS, f"专家领域（{key}）")
        missing = set(CATEGORIES) - set(v)
        if missing:
            raise ValueError(f"缺少监管类别对应的专家领域：{'、'.join(sorted(missing))}")
        return v


class SpotChecks(Strict):
    share: float = Field(ge=0, le=1)
    min_per_subdistrict: int = Field(ge=0)
    recent_days: int = Field(ge=0)
    max_per_year: int = Field(ge=1)
    inspectors: int = Field(ge=2, le=5)             # licensed officers per drawn check (行政处罚法 第四十二条: ≥2)
    officer_weekly_cap: int = Field(ge=1, le=50)    # checks and assistance visits per officer a week
    publish_lag_weeks: int = Field(ge=0, le=1)      # results in the check week's report (0) or the next (1)


class Jurisdiction(Strict):
    """监管职责: the department that supervises each category (管行业必须管安全), named as
    the departments ledger names it; its licensed officers carry out the checks."""
    competent: dict[str, str]

    @field_validator("competent")
    @classmethod
    def _every_category(cls, v):
        only_keys(v, CATEGORIES, "监管类别")
        missing = [c for c in CATEGORIES if c not in v]
        if missing:
            raise ValueError(f"缺少监管类别的主管部门：{'、'.join(missing)}")
        if any(not d.strip() for d in v.values()):
            raise ValueError("主管部门名称不能为空")
        return v


class Draw(Strict):
    """Run options of the 双随机 draw: who draws, who witnesses, and a new draw for a week
    already drawn (``redraw``: the reason).  Recorded with the draw in ``draw_log``; not
    part of the hashed configuration, since they change no rule."""
    operator: str = ""
    witnesses: list[str] = []
    redraw: str = ""


DISTRIBUTION_KEYS = ("报", "送", "发", "抄送")
SUBDISTRICT_FIELDS = ("subdistrict", "dept")


def distribution_lines(v: dict[str, str], fields: tuple[str, ...] = ()) -> dict[str, str]:
    """报/送/发 lines: known keys, some text, and only the named {placeholders}."""
    only_keys(v, DISTRIBUTION_KEYS, "报送类别")
    if not v:
        raise ValueError("至少要有一行报送对象（报、送或发）")
    for key, text in v.items():
        if not text.strip():
            raise ValueError(f"“{key}”的报送对象为空")
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            raise ValueError(f"“{key}”的报送对象写法有误（{exc}）") from exc
        wrong = sorted(names - set(fields))
        if wrong:
            allowed = "、".join("{" + f + "}" for f in fields) or "无"
            raise ValueError(f"“{key}”的报送对象含有不认识的占位符：{'、'.join(wrong)}（允许：{allowed}）")
    return v


class Majors(Strict):
    """重大隐患跟踪: when to remind, and when an overdue major hazard calls for more."""
    remind_days: int = Field(ge=0, le=60)        # 提醒 this many days before the deadline
    escalate_days: int = Field(ge=1, le=365)     # overdue longer than this: 立案 / 责令停产 suggested


def recipients(text: str) -> list[str]:
    """The recipients of one 报/送/发 line, without their bracketed notes."""
    return [r for r in (re.sub(r"[（(][^）)]*[）)]", "", x).strip()
                        for x in re.split(r"[，、；;,\s]+", text)) if r]


def addresses_compiler(recipient: str, compiler: str, compiler_short: str) -> bool:
    """Whether a recipient is the compiler itself: its short name (区安委办), its name, or its
    name after the district's (区安全生产委员会办公室, 丰泽区…); 市安委办 is another office."""
    if recipient in (compiler, compiler_short):
        return True
    return recipient.endswith(compiler) and recipient[: -len(compiler)].endswith("区")


def issue_number(first_week: str, start: dt.date) -> int | None:
    """期号 of the week beginning ``start``: 1 for ``first_week`` (a Monday), counting weeks;
    None for a week before it."""
    n = (start - dt.date.fromisoformat(first_week)).days // 7 + 1
    return n if n >= 1 else None


class Report(Strict):
    """编发与报送: who compiles the reports, who receives them and who signs them, and the
    week the mechanism began (期号 counts from it).  Every edition — the district's and each
    subdistrict's — is compiled by the district office (``compiler``, called
    ``compiler_short`` in the lines), so no 报/送/发 line may name it: a subdistrict edition
    goes to its subdistrict, its stationed department and the bureau, not back to its
    compiler."""
    compiler: str = Field(min_length=1)
    compiler_short: str = Field(default="区安委办", min_length=1)
    distribution: dict[str, str]
    subdistrict_distribution: dict[str, str]
    first_week: str = "2023-04-03"      # the Monday of the mechanism's first week: 第1期
    signer: str = ""                    # 签发人, printed as 签发：<signer>; empty: no 签发 line

    @field_validator("distribution")
    @classmethod
    def _district(cls, v):
        return distribution_lines(v)

    @field_validator("subdistrict_distribution")
    @classmethod
    def _subdistrict(cls, v):
        return distribution_lines(v, SUBDISTRICT_FIELDS)

    @field_validator("first_week", mode="before")
    @classmethod
    def _monday(cls, v):
        if isinstance(v, dt.date):          # an unquoted date in the YAML file
            v = v.isoformat()
        try:
            day = dt.date.fromisoformat(str(v))
        except ValueError:
            raise ValueError(f"须为日期，写作 2023-04-03（不是 {v}）") from None
        if day.weekday() != 0:
            raise ValueError(f"须为星期一（{day.isoformat()} 是星期{'一二三四五六日'[day.weekday()]}）")
        return day.isoformat()

    @field_validator("signer")
    @classmethod
    def _signer(cls, v):
        return re.sub(r"^签发[:：]\s*", "", v.strip())

    @model_validator(mode="after")
    def _not_to_compiler(self):
        for field, lines in (("distribution", self.distribution),
                             ("subdistrict_distribution", self.subdistrict_distribution)):
            for key, text in lines.items():
                own = [r for r in recipients(text)
                       if addresses_compiler(r, self.compiler, self.compiler_short)]
                if own:
                    raise ValueError(f"{field}.{key}：报告由{self.compiler_short}编发，"
                                     f"不能再报送给它自己（{'、'.join(own)}）")
        return self


class Phase(Strict):
    """One phase (阶段) of the campaign: its name, first and last day (ISO dates, both
    included) and whether the subdistricts (街道) are assistance targets during it."""
    name: str = Field(min_length=1)
    start: str
    end: str
    subdistricts_as_targets: bool

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso_date(cls, v):
        if isinstance(v, dt.date):          # an unquoted date in the YAML file
            return v.isoformat()
        try:
            return dt.date.fromisoformat(str(v)).isoformat()
        except ValueError:
            raise ValueError(f"须为日期，写作 2023-05-01（不是 {v}）") from None

    @model_validator(mode="after")
    def _in_order(self):
        if self.end < self.start:
            raise ValueError(f"阶段“{self.name}”的结束日期 {self.end} 早于开始日期 {self.start}")
        return self


class Campaign(Strict):
    """The campaign the mechanism runs under (重大事故隐患专项排查整治2023行动): its phases in
    date order, not overlapping; a date outside every phase is outside the campaign."""
    name: str = Field(min_length=1)
    phases: list[Phase] = Field(min_length=1)

    @field_validator("phases")
    @classmethod
    def _ordered(cls, v):
        names = [p.name for p in v]
        if len(set(names)) != len(names):
            raise ValueError(f"阶段名称重复：{'、'.join(sorted({n for n in names if names.count(n) > 1}))}")
        for before, after in zip(v, v[1:], strict=False):
            if after.start <= before.end:
                raise ValueError(f"阶段须按日期先后排列且不重叠：“{after.name}”开始于 {after.start}，"
                                 f"“{before.name}”至 {before.end} 才结束")
        return v


class BangfuConfig(Strict):
    """The whole configuration: the file (every section given), and the run config of the
    ``derive`` step (a section left empty is taken from the file; a section given replaces
    the file's section for that run)."""
    version: int | None = Field(default=None, ge=1)
    district: str | None = None
    bureau: str | None = None
    scoring: Scoring | None = None
    targets: Targets | None = None
    key_enterprises: KeyEnterprises | None = None
    links: Links | None = None
    coverage: Coverage | None = None
    assignment: Assignment | None = None
    spot_checks: SpotChecks | None = None
    report: Report | None = None
    majors: Majors | None = None
    campaign: Campaign | None = None
    jurisdiction: Jurisdiction | None = None
    draw: Draw | None = None

    def over(self, base: "BangfuConfig") -> "BangfuConfig":
        """This run's sections over ``base`` (the file): the effective configuration."""
        return base.model_copy(update={k: v for k, v in self if v is not None})


class ConfigError(BangfuError, ValueError):
    """The configuration file or a run's override is invalid (one line per problem)."""


def load_config(path: Path = CONFIG_FILE) -> BangfuConfig:
    """The configuration file, validated (read each time: an operator may have edited it)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"配置文件 {path} 无法读取：{exc}") from exc
    config = validate_config(data, path.name)
    if config.draw.redraw.strip():
        raise ConfigError(["配置有误：", f"{path.name}: draw.redraw: 重新抽取只能在单次运行的配置中给出"
                           "（bangfu run --redraw 理由，或 Dagster 运行配置），不能写在配置文件里"])
    return config


def validate_config(data: dict, source: str = "run config") -> BangfuConfig:
    """A complete configuration: every section present and valid."""
    try:
        config = BangfuConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ConfigError(["配置有误："] + lines) from exc
    missing = [name for name, value in config if value is None]
    if missing:
        raise ConfigError(["配置有误：", f"{source}: 缺少配置项：{'、'.join(missing)}"])
    return config


def canonical(value) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text (what the hashes are taken of)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def config_json(config: BangfuConfig) -> str:
    """The configuration as canonical JSON, without the run options of the draw (``draw``),
    which draw_log records with the draw."""
    return canonical(config.model_dump(mode="json", exclude={"draw"}))


def config_sha256(config: BangfuConfig) -> str:
    return sha256(config_json(config))

