"""Judge a hazard description against MEM Order No.10 (工贸企业重大事故隐患判定标准, 2023).

A hazard logged 一般 whose description matches an item of the order is a suspected major
hazard (疑似重大隐患) for review.  The items, the words that identify each one and the words
that rule it out are data (``order10.yaml``, read once); this module only normalises text and
applies the table.  Plain Python: no Dagster, no DuckDB.

Rules, in order:

- text is normalised before matching: full-width to half-width (NFKC), white space and
  invisible characters dropped, Latin letters lower-cased; the words quoted in a judgement
  are cut from the description as written;
- only a 工贸 unit (or one of unknown category) can get an Order No.10 item; any unit can get
  a scope note (消防、燃气、特种设备、危险化学品、建设工程 are judged under their own standards);
- an item of article 3 applies to every 工贸 unit; an industry item (冶金, 建材, 机械 …) only to
  a unit whose 行业 maps to that industry; a special-category item (粉尘涉爆, 涉氨制冷, the
  confined-space category, 金属冶炼) when the unit has that risk flag or the description (or
  the hazard's 隐患类别) names the category's core terms;
- an item matches when all the terms of one of its alternatives occur and none of its
  ``unless`` terms does; the first matching item in table order wins, then the first scope
  note matched by the description, then the first scope note named by the 隐患类别.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

TABLE_FILE = Path(__file__).with_name("order10.yaml")
CLAUSE = "[^,;。]"                   # one character of the same clause; written ~ in the table
LAZY_GAP = re.compile(r"~(\{\d+(?:,\d*)?\})")
GENERAL = "工贸"                      # the scope of article 3's items: every 工贸 unit
GONGMAO = ("工贸企业", "工贸", "工贸行业")
SEPARATORS = re.compile(r"[、,;\s]+")  # of a risk-flag cell, after normalisation
ITEM_KEYS = ("article", "item", "label", "text", "scope", "patterns")


@dataclass(frozen=True)
class Judgement:
    """What the matcher found in one hazard description."""

    article: str | None      # the item's label, e.g. 第十一条第（三）项; None for a scope note
    matched: str             # the words found, in description order, joined with 、
    scope_note: str | None   # the special standard that applies instead of Order No.10, if any


@dataclass(frozen=True)
class _Rule:
    label: str
    scope: str | tuple[str, ...]                 # 工贸, a category, or industries
    patterns: tuple[tuple[re.Pattern, ...], ...]
    unless: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class _Note:
    note: str
    patterns: tuple[tuple[re.Pattern, ...], ...]
    kinds: tuple[str, ...]
    categories: tuple[str, ...]


@dataclass(frozen=True)
class _Category:
    flag: str
    terms: tuple[str, ...]
    industries: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    raw: dict
    rules: tuple[_Rule, ...]
    notes: tuple[_Note, ...]
    categories: dict[str, _Category]
    industries: dict[str, tuple[re.Pattern, ...]]


# ----------------------------------------------------------------------------- text

def _normalised_with_index(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index it came from."""
    out: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        if unicodedata.category(char) in ("Cc", "Cf"):
            continue
        for norm in unicodedata.normalize("NFKC", char).lower():
            if not norm.isspace():
                out.append(norm)
                index.append(i)
    return "".join(out), index


def normalise(text: str | None) -> str:
    """Full-width to half-width (NFKC), no white space or invisible characters, lower case."""
    return _normalised_with_index(text or "")[0]


def _compile(term: str) -> re.Pattern:
    """A term of the table as a regular expression: ``~`` is a character of the same clause,
    and ``~{m,n}`` takes as few as it can (so the quoted words stay short)."""
    text = unicodedata.normalize("NFKC", str(term))
    return re.compile(LAZY_GAP.sub(CLAUSE + r"\1?", text).replace("~", CLAUSE))


def _alternatives(patterns: Sequence[Sequence[str]]) -> tuple[tuple[re.Pattern, ...], ...]:
    return tuple(tuple(_compile(term) for term in alternative) for alternative in patterns)


# ----------------------------------------------------------------------------- the table

def _check(data: dict) -> None:
    """Refuse a table that cannot be applied as documented."""
    items = data.get("items") or []
    if not items:
        raise ValueError(f"{TABLE_FILE.name}: no items")
    categories = data.get("categories") or {}
    industries = data.get("industries") or {}
    labels: set[str] = set()
    for n, item in enumerate(items, 1):
        missing = [key for key in ITEM_KEYS if not item.get(key)]
        if missing:
            raise ValueError(f"{TABLE_FILE.name}: item {n} lacks {', '.join(missing)}")
        label = item["label"]
        if label != item["article"] + item["item"]:
            raise ValueError(f"{TABLE_FILE.name}: label {label} is not article + item")
        if label in labels:
            raise ValueError(f"{TABLE_FILE.name}: label {label} appears twice")
        labels.add(label)
        scope = item["scope"]
        if isinstance(scope, str):
            if scope != GENERAL and scope not in categories:
                raise ValueError(f"{TABLE_FILE.name}: {label} has unknown scope {scope}")
        elif not scope or any(name not in industries for name in scope):
            raise ValueError(f"{TABLE_FILE.name}: {label} has unknown industries {scope}")
        if any(not alternative or not all(alternative) for alternative in item["patterns"]):
            raise ValueError(f"{TABLE_FILE.name}: {label} has an empty alternative")


@cache
def _table() -> _Table:
    data = yaml.safe_load(TABLE_FILE.read_text(encoding="utf-8"))
    _check(data)
    rules = tuple(
        _Rule(label=item["label"],
              scope=item["scope"] if isinstance(item["scope"], str) else tuple(item["scope"]),
              patterns=_alternatives(item["patterns"]),
              unless=tuple(_compile(term) for term in item.get("unless") or ()))
        for item in data["items"])
    notes = tuple(
        _Note(note=entry["note"],
              patterns=_alternatives(entry.get("patterns") or ()),
              kinds=tuple(normalise(kind) for kind in entry.get("kinds") or ()),
              categories=tuple(normalise(cat) for cat in entry.get("categories") or ()))
        for entry in data.get("scope_notes") or ())
    categories = {
        name: _Category(flag=normalise(entry["flag"]),
                        terms=tuple(normalise(term) for term in entry.get("terms") or ()),
                        industries=tuple(entry.get("industries") or ()))
        for name, entry in (data.get("categories") or {}).items()}
    industries = {name: tuple(_compile(term) for term in terms)
                  for name, terms in (data.get("industries") or {}).items()}
    return _Table(raw=data, rules=rules, notes=notes, categories=categories, industries=industries)


def rules() -> tuple[dict, ...]:
    """The items of the table in order (article, item, label, text, scope, patterns, unless,
    verified, source, note), as copies, for the docs and the report's annex."""
    return tuple(copy.deepcopy(item) for item in _table().raw["items"])


def scope_notes() -> tuple[dict, ...]:
    """The special standards the matcher points to instead of Order No.10, in order."""
    return tuple(copy.deepcopy(entry) for entry in _table().raw.get("scope_notes") or ())


def industries_of(industry: str | None) -> tuple[str, ...]:
    """The Order No.10 industries (冶金 … 商贸) a unit's 行业 belongs to, in table order."""
    return _industries_of(normalise(industry))


@cache
def _industries_of(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(name for name, terms in _table().industries.items()
                 if any(term.search(text) for term in terms))


# ----------------------------------------------------------------------------- matching

def _find(patterns: tuple[tuple[re.Pattern, ...], ...], unless: tuple[re.Pattern, ...],
          text: str) -> list[tuple[int, int]] | None:
    """The spans of the first alternative whose terms all occur, unless a rule-out term does."""
    if any(term.search(text) for term in unless):
        return None
    for alternative in patterns:
        spans = []
        for term in alternative:
            span = _tightest(term, text)
            if span is None:
                break
            spans.append(span)
        else:
            return spans
    return None


def _tightest(term: re.Pattern, text: str) -> tuple[int, int] | None:
    """The first match of ``term``, narrowed to the latest match starting inside it and ending
    no later (so 未签订协议、未统一协调 quotes 未统一协调)."""
    found = term.search(text)
    if found is None or found.end() == found.start():
        return None
    start, end = found.span()
    while (inner := term.search(text, start + 1)) is not None and inner.start() < end:
        if inner.end() <= end and inner.end() > inner.start():
            start, end = inner.span()
        else:
            break
    return start, end


def _quote(spans: list[tuple[int, int]], description: str, index: list[int]) -> str:
    """The words of ``spans`` as written in the description, in order, each once."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if kept and start >= kept[-1][0] and end <= kept[-1][1]:
            continue  # inside a word already quoted
        kept.append((start, end))
    words: list[str] = []
    for start, end in kept:
        word = description[index[start]:index[end - 1] + 1]
        if word not in words:
            words.append(word)
    return "、".join(words)


def _flags(risk_flags: Iterable[str] | str | None) -> set[str]:
    if not risk_flags:
        return set()
    if isinstance(risk_flags, str):
        risk_flags = [risk_flags]
    return {flag for cell in risk_flags for flag in SEPARATORS.split(normalise(cell)) if flag}


def _applies(rule: _Rule, table: _Table, flags: set[str], industries: tuple[str, ...],
             context: str) -> bool:
    if rule.scope == GENERAL:
        return True
    if isinstance(rule.scope, tuple):
        return any(name in industries for name in rule.scope)
    category = table.categories[rule.scope]
    return (category.flag in flags
            or any(term in context for term in category.terms)
            or any(name in industries for name in category.industries))


def judge(description: str | None, kind: str | None = None,
          risk_flags: Sequence[str] | str | None = (), industry: str | None = None,
          category: str | None = None) -> Judgement | None:
    """The Order No.10 item a hazard description matches, else the special standard it falls
    under, else None.

    ``kind`` is the hazard's 隐患类别, ``risk_flags`` the unit's 风险特征 (a list, or one cell
    as written), ``industry`` its 行业 and ``category`` its 监管类别 (None: unknown, treated
    as possibly 工贸).
    """
    text, index = _normalised_with_index(description or "")
    if not text:
        return None
    table = _table()
    kind_text = normalise(kind)
    unit_category = normalise(category)
    if not unit_category or unit_category in GONGMAO:
        flags = _flags(risk_flags)
        industries = industries_of(industry)
        context = text + kind_text
        for rule in table.rules:
            if not _applies(rule, table, flags, industries, context):
                continue
            spans = _find(rule.patterns, rule.unless, text)
            if spans is not None:
                return Judgement(rule.label, _quote(spans, description, index), None)
    notes = [note for note in table.notes if not note.categories or unit_category in note.categories]
    for note in notes:
        spans = _find(note.patterns, (), text)
        if spans is not None:
            return Judgement(None, _quote(spans, description, index), note.note)
    if kind_text:
        for note in notes:
            if any(name and name in kind_text for name in note.kinds):
                return Judgement(None, "", note.note)
    return None
