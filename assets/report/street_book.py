"""街道任务清单: one subdistrict's restricted task workbook, sent to that subdistrict only.

What its officer needs to act without the district-wide lists: its targets and 包保 firms
with addresses, the responsible cadre, expert and stationed team with FULL phone numbers;
the hazards falling due in the next 14 days and the overdue ones (number, found date,
responsible cadre); next week's 执法人员+专家 visits.  Marked 内部资料 注意保存 on every
sheet (header and first line).  Next week's 双随机 checks are never in it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from assets.report.workbooks import heading, new_sheet, plan_range, restricted, table
from pipeline.core.xlsx import save_workbook


def _who(people: dict, pid: str | None) -> tuple[str, str]:
    p = people.get(pid) if pid else None
    return (p["name"], p["phone"] or "") if p else ("", "")


def street_book(data: dict, sub: str, path: Path, when: dt.datetime) -> Path:
    """The subdistrict's restricted task workbook (街道任务清单)."""
    people = data["people"]
    link = next((lk for lk in data["links"] if lk["subdistrict"] == sub), None)
    team = [p for p in people.values()
            if p["kind"] == "cadre" and p.get("on_team") and link and p["org"] == link["dept"]]
    wb, used = Workbook(), set()

    ws = new_sheet(wb, "帮扶对象和包保企业", used)
    restricted(ws, f"{sub}　{data['plan_for']}")
    heading(ws, f"{sub}帮扶对象和包保企业（{data['plan_for']}，{plan_range(data)}）",
            f"驻点帮扶单位：{link['dept'] if link else '未确定'}；工作队成员："
            + ("、".join(f"{p['name']}（{p['phone'] or '无电话'}）" for p in team) or "无"),
            "本工作簿含完整手机号码，仅发本街道，供帮扶联络使用，不得外传。")
    rows = []
    keys = {k["unit_id"]: k for k in data["key_enterprises"] if k["subdistrict"] == sub}
    for t in (t for t in data["targets"] if t["subdistrict"] == sub):
        cadre, phone = _who(people, t["cadre_id"])
        experts = [_who(people, e) for e in t["expert_ids"]]
        rows.append(["帮扶对象" + ("、包保" if t["unit_id"] in keys else ""), t["unit_id"], t["name"],
                     t.get("address"), t["category"], t["reasons"], cadre, phone,
                     "、".join(n for n, _ in experts), "、".join(p for _, p in experts),
                     t.get("last_visit")])
    for k in keys.values():
        if any(r[1] == k["unit_id"] for r in rows):
            continue
        cadre, phone = _who(people, k.get("cadre_id"))
        rows.append(["包保重点企业", k["unit_id"], k["name"], k.get("address"), "工贸企业", "", cadre,
                     phone, "", "", None])
    table(ws, ["类别", "单位编号", "单位名称", "地址", "监管类别", "主要原因", "包保干部", "手机",
               "专家", "专家手机", "上次服务"], rows, [14, 11, 30, 30, 10, 36, 10, 14, 12, 14, 11])

    for title, key, days in (("即将到期隐患", "deadlines", "days_left"), ("逾期隐患", "overdue", "days_overdue")):
        ws = new_sheet(wb, title, used)
        restricted(ws, f"{sub}　{data['plan_for']}")
        mine = [h for h in data.get(key, []) if h["subdistrict"] == sub]
        heading(ws, f"{sub}{title}（截至{data['end']}，共{len(mine)}条）",
                "到期前由包保干部提醒企业；逾期的督促整改，重大隐患按挂牌督办要求处理。")
        table(ws, ["序号", "隐患编号", "单位名称", "地址", "隐患级别", "隐患内容", "发现日期", "整改期限",
                   "剩余天数" if days == "days_left" else "逾期天数", "包保干部"],
              [[i, h["hazard_id"], h["unit"], h.get("address"), h["level"], h["description"], h["found_on"],
                h["due_on"], h[days], h.get("cadre")] for i, h in enumerate(mine, start=1)],
              [6, 13, 30, 30, 10, 40, 11, 11, 9, 10])

    ws = new_sheet(wb, "联合帮扶", used)
    restricted(ws, f"{sub}　{data['plan_for']}")
    heading(ws, f"{sub}下周“执法人员+专家”联合帮扶（{plan_range(data)}）")
    rows = []
    for p in (p for p in data["pairs"] if p["subdistrict"] == sub):
        o1, o2, ex = _who(people, p["officer_1"]), _who(people, p["officer_2"]), _who(people, p["expert_id"])
        rows.append([p["name"], p["dept"], p["main_risk"], o1[0], o1[1], o2[0], o2[1], ex[0], ex[1],
                     p["remark"]])
    table(ws, ["帮扶对象", "主管部门", "重点检查", "执法人员", "手机", "执法人员", "手机", "专家", "手机", "备注"],
          rows, [30, 14, 12, 10, 14, 10, 14, 10, 14, 30])
    return save_workbook(wb, path, when)
