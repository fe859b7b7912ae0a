"""Deterministic demo ledgers for Fengze district (丰泽区) as of 2023-08-13.

``generate(out_dir)`` writes the seven ledgers of ``pipeline.core.ledgers`` the way the
bureau would drop them into ``raw/``: a mix of .xlsx and .csv files (``fmt="mixed"``)
or plain UTF-8 CSV for every ledger (``fmt="csv"``, for benchmarks at large sizes).

At the reference size of 4,098 supervised units the data reproduce the published
figures of the assistance mechanism (10 精品, 69 标杆, 221 评审达标 enterprises,
1,400 demonstration posts, 77 reviews with 44 passed, 68 problems solved); at other
sizes every count scales in proportion.  Subdistricts have clear profiles (each one
over-represents the features of the department stationed there).  The same seed
always gives byte-identical files.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from string import Formatter

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

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
    VISITS,
    Ledger,
)
from pipeline.core.uscc import ALPHABET, ORG_WEIGHTS, USCC_WEIGHTS, org_char_value
from pipeline.core.xlsx import atomic_write, save_workbook

# ---------------------------------------------------------------- period and scale

PERIOD_START = np.datetime64("2023-01-02")      # Monday of week 1
AS_OF = np.datetime64("2023-08-13")             # Sunday closing week 32
MECHANISM_START = np.datetime64("2023-04-01")   # the assistance mechanism starts
REVIEWS_START = np.datetime64("2023-03-01")
INSPECTED_SINCE = np.datetime64("2022-06-01")   # earliest 最近检查日期
SAVED_AT = datetime(2023, 8, 14, 8, 0)          # the moment every workbook is "saved"
FIRST_HALF_END = np.datetime64("2023-06-30")
DIVISION = "350503"

REFERENCE_UNITS = 4098
TIER_COUNTS = {"精品": 10, "标杆": 69, "评审达标": 221}
DEMO_POSTS = 1400
N_REVIEWS, N_REVIEWS_PASSED = 77, 44
PROBLEMS_SOLVED = 68
N_HAZARDS = 2100
N_VISITS = 400            # besides the 评审观摩 visits that come with reviews
N_DEREGISTERED = 60
N_KEY_UNITS = 72          # 43 enterprises each paired with a bureau cadre + 29 key targets

# 2023 public holidays and weekend make-up working days (国务院办公厅 2023 安排).
HOLIDAYS = (["2023-01-02"] + [f"2023-01-{d}" for d in range(21, 28)] + ["2023-04-05"]
            + ["2023-04-29", "2023-04-30", "2023-05-01", "2023-05-02", "2023-05-03"]
            + ["2023-06-22", "2023-06-23", "2023-06-24"])
MAKEUP_WORKDAYS = ["2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25"]

# ---------------------------------------------------------------- subdistrict profiles

# Supervised units per subdistrict and category at 4,098 units (columns in CATEGORIES
# order: 工贸企业 学校 医院 福利机构 文旅场所 在建施工项目 住宿餐饮).  Each row over-represents
# the category of the department stationed there.
SUBDISTRICT_MIX = {
    "丰泽街道": (170, 18, 12, 4, 40, 12, 250),   # 住宿餐饮 → 区商务局
    "东湖街道": (200, 45, 14, 5, 25, 15, 100),   # 学校 → 区教育局
    "泉秀街道": (250, 20, 10, 3, 125, 15, 150),  # 文旅场所, 人员密集 → 区文体旅游局
    "清源街道": (300, 16, 7, 4, 40, 20, 85),     # 临山临水 → 区城管局
    "华大街道": (230, 15, 31, 3, 20, 15, 83),    # 医院 → 区卫生健康局
    "城东街道": (330, 18, 10, 13, 30, 38, 80),   # 福利机构 → 区民政局
    "东海街道": (370, 20, 8, 4, 25, 60, 90),     # 自建厂房, 在建施工项目 → 区住建局
    "北峰街道": (600, 8, 3, 2, 5, 10, 22),       # 工贸企业, 粉尘涉爆, 金属冶炼 → 区工信科技局
}
DEREGISTERED_MIX = {"工贸企业": 30, "住宿餐饮": 25, "文旅场所": 5}
IDLE_RATE = {"工贸企业": 0.02, "住宿餐饮": 0.02, "文旅场所": 0.015, "在建施工项目": 0.01}

ALL_CATS = "*"
# Risk flag probabilities: flag -> {category: (default, {subdistrict: probability})}.
FLAG_RULES: dict[str, dict[str, tuple[float, dict[str, float]]]] = {
    "粉尘涉爆": {"工贸企业": (0.025, {"北峰街道": 0.12})},
    "涉氨制冷": {"工贸企业": (0.004, {"北峰街道": 0.025, "东海街道": 0.012})},
    "有限空间作业": {"工贸企业": (0.08, {"北峰街道": 0.16})},
    "金属冶炼": {"工贸企业": (0.01, {"北峰街道": 0.05})},
    "危险化学品使用": {"工贸企业": (0.07, {"北峰街道": 0.10}), "学校": (0.15, {}),
                  "医院": (0.30, {})},
    "自建厂房": {"工贸企业": (0.10, {"东海街道": 0.75, "北峰街道": 0.05})},
    "临山临水": {ALL_CATS: (0.015, {"清源街道": 0.40, "北峰街道": 0.12})},
    "人员密集": {"文旅场所": (0.95, {}), "学校": (0.90, {}), "医院": (0.95, {}),
             "福利机构": (1.0, {}), "住宿餐饮": (0.55, {"泉秀街道": 0.90}),
             "工贸企业": (0.02, {"泉秀街道": 0.15})},
}
SPECIAL_FLAGS = ("粉尘涉爆", "涉氨制冷", "有限空间作业", "金属冶炼", "危险化学品使用",
                 "自建厂房", "临山临水")

# Employees: (median, log-sd) of a log-normal, per category.
EMPLOYEES = {"工贸企业": (35, 1.0), "学校": (90, 0.6), "医院": (150, 0.9), "福利机构": (25, 0.6),
             "文旅场所": (15, 0.7), "在建施工项目": (80, 0.7), "住宿餐饮": (12, 0.7)}

# ---------------------------------------------------------------- places and names

PLACES = {  # subdistrict: (communities, roads)
    "丰泽街道": ("丰泽 刺桐 田安 湖心 新塘 坪山 筍浯", "丰泽街 田安北路 刺桐路 湖心街 丰盛路 华丰路"),
    "东湖街道": ("少林 东湖 铭湖 东凤 圣湖 凤山 仁风 松林", "东湖街 少林路 东禅路 圣湖路 凤山路 铭湖街"),
    "泉秀街道": ("成洲 宝洲 福新 前埔 东美 丰海 普贤", "泉秀路 宝洲路 丰海路 普贤路 福新街 江滨北路"),
    "清源街道": ("清源 东岳 清华 虹山 环山 北门", "清源路 东岳路 环山路 北清路 清华街 虹山路"),
    "华大街道": ("华大 城华 北星 杏宅 山后 华光", "城华北路 华大街 华泰路 北星路 华光路 杏宅路"),
    "城东街道": ("城东 浔美 金屿 东星 东霞 滨城", "城东中路 浔美路 金屿街 东霞路 东滨路 滨城路"),
    "东海街道": ("蟳埔 法石 后埔 东梅 云山 宝山 东海", "东海大街 通港东街 法石街 后埔街 宝山路 云山路"),
    "北峰街道": ("北峰 招联 群石 潘山 龙山 宏山", "福厦路 北峰路 群石路 招联路 潘山路 北环路"),
}
INDUSTRIAL_ZONES = ("北峰工业区", "招联工业区", "群石工业区", "北峰科技园")
ZIHAO_FIRST = "鑫恒达盛兴华泰丰源隆昌宏顺利嘉信荣祥福瑞金永新诚德和安康宝鸿锦富美欣佳辉骏凯豪天海益联广汇通成创航远威星光明晟杰晖"
ZIHAO_SECOND = "鑫发达盛兴华泰丰源隆昌宏顺利嘉信荣祥福瑞通成美佳辉达凯豪洋海益联汇创航远威星光明晟杰晖峰林德"

# 工贸 industries: (weight, name words).  Flags below pin the industry of some firms.
TRADE_INDUSTRIES = {
    "纺织服装": (18, ("服装", "服饰", "织造", "针纺")),
    "鞋服箱包": (18, ("鞋业", "鞋服", "箱包", "鞋材")),
    "机械电子": (14, ("机械", "电子科技", "机电设备", "智能科技")),
    "树脂工艺": (10, ("工艺品", "树脂工艺", "工艺美术")),
    "食品加工": (8, ("食品", "茶业", "水产食品")),
    "金属制品": (8, ("五金制品", "金属制品", "不锈钢制品")),
    "印刷包装": (7, ("印刷", "包装材料", "彩印")),
    "建材": (6, ("建材", "石材", "新型建材")),
    "木制品家具": (4, ("家具", "木业")),
    "化工涂料": (2, ("化工", "涂料")),
    "商贸仓储": (5, ("商贸", "贸易", "物流", "仓储")),
    "金属铸造": (0, ("铸造", "精密铸造", "冶金材料")),
}
FLAG_INDUSTRIES = {  # flag (in priority order) -> industries it implies
    "金属冶炼": ("金属铸造",),
    "涉氨制冷": ("食品加工",),
    "粉尘涉爆": ("树脂工艺", "金属制品", "木制品家具", "食品加工", "纺织服装"),
    "危险化学品使用": ("印刷包装", "化工涂料", "鞋服箱包", "机械电子"),
}
SUBDISTRICT_INDUSTRY_BOOST = {"泉秀街道": {"商贸仓储": 6.0}, "北峰街道": {"机械电子": 1.8, "金属制品": 1.8}}

# Credit-code prefix shares per category (92 only for small units, see _credit_types).
CREDIT_TYPES = {
    "工贸企业": {"91": 1.0}, "住宿餐饮": {"91": 1.0},
    "文旅场所": {"91": 0.80, "92": 0.15, "12": 0.05},
    "在建施工项目": {"91": 0.70, "12": 0.30},
    "学校": {"12": 0.65, "52": 0.30, "91": 0.05},
    "医院": {"12": 0.35, "52": 0.15, "91": 0.35, "92": 0.15},
    "福利机构": {"52": 0.50, "12": 0.25, "91": 0.25},
}
SMALL_BUSINESS = {"工贸企业": (20, 0.35), "住宿餐饮": (15, 0.55)}  # employees below, share 92
NO_CODE_PROJECTS = 0.30  # share of 在建施工项目 listed without a credit code

# (category, credit prefix) -> [(weight, template, industry)]; industry None = keep 工贸's.
NAME_PATTERNS: dict[tuple[str, str], list[tuple[int, str, str | None]]] = {
    ("工贸企业", "91"): [(40, "泉州市丰泽区{zh}{word}有限公司", None), (30, "泉州市{zh}{word}有限公司", None),
                    (15, "泉州{zh}{word}有限公司", None), (10, "福建{zh}{word}有限公司", None),
                    (5, "福建省{zh}{word}股份有限公司", None)],
    ("工贸企业", "92"): [(50, "丰泽区{zh}{word}加工厂", None), (30, "泉州市丰泽区{zh}{word}厂", None),
                    (20, "丰泽区{zh}{word}经营部", None)],
    ("住宿餐饮", "91"): [(30, "泉州{zh}酒店有限公司", "旅游饭店"), (25, "泉州市丰泽区{zh}餐饮管理有限公司", "正餐服务"),
                    (20, "泉州{zh}大酒店有限公司", "旅游饭店"), (25, "泉州市丰泽区{zh}餐饮有限公司", "正餐服务")],
    ("住宿餐饮", "92"): [(25, "丰泽区{zh}餐厅", "正餐服务"), (15, "丰泽区{zh}小吃店", "快餐服务"),
                    (15, "丰泽区{zh}宾馆", "一般旅馆"), (10, "丰泽区{zh}茶餐厅", "正餐服务"),
                    (10, "丰泽区{zh}火锅店", "正餐服务"), (10, "丰泽区{zh}面馆", "快餐服务"),
                    (15, "丰泽区{zh}饭店", "正餐服务")],
    ("文旅场所", "91"): [(35, "泉州市丰泽区{zh}娱乐有限公司", "歌舞厅娱乐活动"), (15, "泉州{zh}影城有限公司", "电影放映"),
                    (15, "泉州{zh}文化传播有限公司", "文艺表演场馆"), (15, "泉州{zh}体育发展有限公司", "体育场馆服务"),
                    (20, "泉州市丰泽区{zh}网络科技有限公司", "网吧活动")],
    ("文旅场所", "92"): [(40, "丰泽区{zh}KTV", "歌舞厅娱乐活动"), (25, "丰泽区{zh}网咖", "网吧活动"),
                    (20, "丰泽区{zh}足浴店", "洗浴服务"), (15, "丰泽区{zh}健身房", "健身休闲活动")],
    ("文旅场所", "12"): [(50, "丰泽区{place}社区文化活动中心", "群众文体活动"), (50, "丰泽区{zh}文化馆", "群众文体活动")],
    ("在建施工项目", "91"): [(30, "泉州{zh}花园项目（一期）", "房屋建筑业"), (20, "泉州{zh}广场项目（二期）", "房屋建筑业"),
                       (20, "{zh}城商业综合体项目（一期）", "房屋建筑业"), (15, "泉州{zh}大厦项目", "房屋建筑业"),
                       (15, "泉州{zh}公馆项目（一期）", "房屋建筑业")],
    ("在建施工项目", "12"): [(40, "丰泽区{place}片区安置房项目", "房屋建筑业"), (30, "{road}提升改造工程", "市政道路工程"),
                       (30, "丰泽区{zh}学校新建工程", "房屋建筑业")],
    ("学校", "12"): [(25, "丰泽区{place}小学", "初等教育"), (15, "泉州市丰泽区{place}中心小学", "初等教育"),
                  (20, "丰泽区{place}幼儿园", "学前教育"), (10, "泉州市丰泽区{place}中学", "中等教育"),
                  (15, "丰泽区{zh}实验小学", "初等教育"), (15, "泉州市{zh}中学", "中等教育")],
    ("学校", "52"): [(50, "丰泽区{zh}幼儿园", "学前教育"), (25, "泉州{zh}外国语学校", "中等教育"),
                  (25, "丰泽区{zh}职业培训学校", "技能培训")],
    ("学校", "91"): [(100, "泉州市丰泽区{zh}培训学校有限公司", "技能培训")],
    ("医院", "12"): [(50, "泉州市丰泽区{place}社区卫生服务中心", "社区卫生服务中心"), (50, "泉州{zh}医院", "综合医院")],
    ("医院", "52"): [(100, "泉州{zh}医院", "综合医院")],
    ("医院", "91"): [(40, "泉州{zh}医院有限公司", "专科医院"), (40, "泉州{zh}口腔医院有限公司", "专科医院"),
                  (20, "泉州{zh}中医院有限公司", "中医医院")],
    ("医院", "92"): [(60, "丰泽区{zh}口腔诊所", "门诊部（所）"), (40, "丰泽区{zh}中医诊所", "门诊部（所）")],
    ("福利机构", "52"): [(40, "丰泽区{zh}养老院", "养老院"), (30, "丰泽区{zh}老年公寓", "养老院"),
                    (30, "丰泽区{place}社区居家养老服务照料中心", "老年人照护服务")],
    ("福利机构", "12"): [(50, "泉州市丰泽区{place}敬老院", "养老院"), (50, "丰泽区{zh}福利院", "儿童福利")],
    ("福利机构", "91"): [(100, "泉州{zh}养老服务有限公司", "老年人照护服务")],
}

# ---------------------------------------------------------------- hazards catalogue

GENERAL_TRADE = [("安全管理", "安全生产责任制未逐级签订"), ("安全管理", "未按规定开展全员安全生产教育培训"),
                 ("安全管理", "隐患排查治理台账记录不全"), ("安全管理", "应急预案未按规定组织演练"),
                 ("用电安全", "电气线路私拉乱接"), ("用电安全", "配电箱未设置漏电保护装置"),
                 ("用电安全", "配电柜前堆放杂物"), ("消防安全", "消防通道堵塞"), ("消防安全", "灭火器过期未检测"),
                 ("消防安全", "安全出口被锁闭"), ("消防安全", "疏散指示标志损坏"),
                 ("设备设施", "机械设备传动部位防护罩缺失"), ("设备设施", "冲压设备未安装安全防护装置"),
                 ("特种设备", "叉车未定期检验"), ("特种设备", "行车限位装置失效"),
                 ("现场管理", "作业场所物料堆放超高"), ("现场管理", "员工未佩戴劳动防护用品"),
                 ("现场管理", "安全警示标志设置不规范"), ("作业环境", "车间照明不足")]
# pool -> (一般隐患 items, 重大隐患 items)
HAZARD_POOLS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "工贸企业": (GENERAL_TRADE, [
        ("安全管理", "未对承包单位、承租单位的安全生产工作统一协调、管理"),
        ("安全管理", "特种作业人员未依法取得资格证书上岗作业"),
        ("消防安全", "生产车间与员工宿舍设置在同一建筑物内")]),
    "粉尘涉爆": ([("粉尘防爆", "粉尘清扫制度未落实，作业场所积尘"), ("粉尘防爆", "除尘器未设置泄爆装置"),
              ("粉尘防爆", "除尘系统未设置锁气卸灰装置"), ("粉尘防爆", "粉尘作业区域使用非防爆电气设备"),
              ("粉尘防爆", "除尘器灰斗未及时清灰")], [
        ("粉尘防爆", "粉尘爆炸危险场所设置在非框架结构的多层建筑物内"),
        ("粉尘防爆", "除尘系统采用正压吹送粉尘且未采取可靠的防范点燃源措施"),
        ("粉尘防爆", "粉尘爆炸危险场所未按规定安装、使用防爆电气设备")]),
    "涉氨制冷": ([("涉氨制冷", "氨制冷机房应急疏散标识缺失"), ("涉氨制冷", "氨气浓度报警装置未定期校验"),
              ("涉氨制冷", "液氨储罐安全阀未定期校验"), ("涉氨制冷", "未配备正压式空气呼吸器")], [
        ("涉氨制冷", "包装间、分割间等人员较多场所的空调系统采用氨直接蒸发制冷"),
        ("涉氨制冷", "快速冻结装置未设置在单独作业间内且作业人员超过9人")]),
    "有限空间作业": ([("有限空间", "有限空间未设置警示标识"), ("有限空间", "有限空间作业未配备气体检测设备"),
                ("有限空间", "有限空间管理台账未建立"), ("有限空间", "未制定有限空间作业应急处置方案")], [
        ("有限空间", "未对有限空间进行辨识、建立管理台账且未设置安全警示标志"),
        ("有限空间", "有限空间作业未执行“先通风、再检测、后作业”要求")]),
    "金属冶炼": ([("金属冶炼", "熔炼炉周边存在积水"), ("金属冶炼", "浇注区域未设置安全通道"),
              ("金属冶炼", "吊运熔融金属的起重机未定期检验")], [
        ("金属冶炼", "主要负责人、安全生产管理人员未按照规定经考核合格"),
        ("金属冶炼", "休息室、操作室设置在熔融金属吊运跨的地坪区域内")]),
    "危险化学品使用": ([("危险化学品", "危险化学品未分类存放"), ("危险化学品", "危险化学品仓库未设置防泄漏设施"),
                 ("危险化学品", "化学品安全技术说明书未张贴"),
                 ("危险化学品", "使用易燃溶剂区域未设置可燃气体报警装置")], [
        ("危险化学品", "危险化学品储存量超出设计能力且未采取安全措施")]),
    "自建厂房": ([("建筑安全", "厂房擅自搭建夹层用于仓储"), ("建筑安全", "彩钢板厂房用于员工住宿"),
              ("建筑安全", "厂房屋面超荷载堆放物料"), ("建筑安全", "自建厂房未进行房屋安全鉴定")], [
        ("建筑安全", "自建厂房承重墙体开裂，存在结构安全隐患")]),
    "临山临水": ([("防汛防台", "边坡未设置截排水沟"), ("防汛防台", "临水一侧未设置防护栏杆"),
              ("防汛防台", "未制定防汛防台应急预案"), ("防汛防台", "排水沟堵塞未及时清理")], [
        ("防汛防台", "建筑物紧邻高陡边坡且未采取防护措施")]),
    "学校": ([("消防安全", "学生宿舍疏散通道堆放杂物"), ("实验室安全", "实验室化学品管理台账不全"),
            ("用电安全", "教室电气线路老化"), ("设施安全", "校舍护栏高度不足"),
            ("燃气安全", "食堂燃气管道未安装可燃气体报警器"), ("消防安全", "消防设施未定期维护保养")], [
        ("消防安全", "学生宿舍安全出口数量不足")]),
    "医院": ([("消防安全", "病区疏散通道堆放杂物"), ("危险化学品", "医用氧气瓶未固定"),
            ("用电安全", "配电房未设置挡鼠板"), ("消防安全", "消防控制室值班人员未持证上岗"),
            ("特种设备", "医用电梯未定期检验")], [
        ("消防安全", "住院部自动喷水灭火系统不能正常运行")]),
    "福利机构": ([("用电安全", "老人居室使用大功率电器"), ("设施安全", "护理区域未设置防跌倒扶手"),
              ("消防安全", "夜间值班人员配备不足"), ("燃气安全", "厨房燃气软管老化")], [
        ("消防安全", "养老机构设置在违法建筑内且未设置自动喷水灭火系统")]),
    "文旅场所": ([("消防安全", "KTV包厢内装修使用易燃材料"), ("消防安全", "应急照明损坏"),
              ("消防安全", "安全出口指示标志缺失"), ("消防安全", "消防控制室值班人员未持证上岗"),
              ("设施安全", "游乐设施未定期检测")], [
        ("消防安全", "公众聚集场所营业期间安全出口锁闭")]),
    "在建施工项目": ([("施工安全", "施工现场临边防护缺失"), ("施工安全", "脚手架搭设不规范"),
                ("施工安全", "塔吊限位装置失效"), ("施工安全", "施工用电未做到一机一闸一漏"),
                ("施工安全", "高处作业人员未系安全带"), ("施工安全", "深基坑未按方案设置支护")], [
        ("施工安全", "超过一定规模的高支模工程未组织专家论证"),
        ("施工安全", "建筑起重机械安装、拆卸未编制专项施工方案")]),
    "住宿餐饮": ([("燃气安全", "液化石油气钢瓶未使用熄火保护装置"), ("燃气安全", "燃气管道未安装可燃气体报警装置"),
              ("消防安全", "厨房油烟管道未定期清洗"), ("消防安全", "消防通道堵塞"),
              ("用电安全", "电动自行车在楼道内充电"), ("消防安全", "客房未配备逃生面罩")], [
        ("燃气安全", "在地下室使用液化石油气")]),
}
MAJOR_SHARE = 0.03
MAJOR_LATE = np.datetime64("2023-07-15")        # fewer 重大隐患 are found after this
GENERAL_WINDOWS = (7, 7, 10, 15, 15, 20, 30)   # 整改期限, days after 发现日期
MAJOR_WINDOWS = (30, 45, 60)
STUCK_SHARE = 0.012                             # hazards never fixed (overdue once due)
SOURCES_BEFORE = {"执法检查": 0.45, "企业自查": 0.55}
SOURCES_AFTER = {"执法检查": 0.28, "企业自查": 0.32, "帮扶检查": 0.22, "专家指导": 0.18}
HAZARD_CATEGORY_WEIGHT = {"工贸企业": 1.0, "学校": 0.15, "医院": 0.2, "福利机构": 0.2, "文旅场所": 0.3,
                          "在建施工项目": 0.5, "住宿餐饮": 0.25}

# ---------------------------------------------------------------- people

SURNAMES = "陈林黄张吴王李蔡郑洪庄苏许杨刘曾谢郭施柯傅卢潘戴颜龚肖何"
GIVEN_CHARS = ("建国明志伟文俊鸿辉斌杰华勇强荣振泽宇海东新清毅彬锋",   # male
               "丽芳婷雅静燕玲秀娟晓美艳萍琳梅颖雪惠佳月")   # female
PHONE_PREFIXES = [f"13{d}" for d in range(10)] + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)] \
    + [f"18{d}" for d in range(10)]

BUREAU = "区应急管理局"
# name: (domains, participates, team members)
DEPARTMENT_ROWS = {
    "区住建局": (("在建施工项目", "自建厂房"), True, 5),
    "区工信科技局": (("工贸企业", "粉尘涉爆", "金属冶炼", "有限空间作业", "涉氨制冷"), True, 4),
    "区文体旅游局": (("文旅场所", "人员密集"), True, 4),
    "区城管局": (("临山临水",), True, 4),
    "区教育局": (("学校",), True, 3),
    "区卫生健康局": (("医院",), True, 3),
    "区民政局": (("福利机构",), True, 3),
    "区商务局": (("住宿餐饮",), True, 4),
    BUREAU: (("工贸企业", "危险化学品使用"), False, 0),
    "区市场监督管理局": (("危险化学品使用",), False, 0),
}
BUREAU_TITLES = ["局长"] + ["副局长"] * 3 + ["执法大队大队长"] + ["科长"] * 5 + ["副科长"] * 4 \
    + ["科员"] * 14 + ["执法队员"] * 15
BUREAU_UNLICENSED = {"局长", "科员"}   # a few of these hold no 执法证
TEAM_TITLES = ("副局长", "科长", "副科长", "科员", "执法队员")
N_OTHER_CADRES = 10

EXPERT_PRIMARY = {"工贸": 16, "消防安全": 9, "建筑工程": 7, "危险化学品（烟花爆竹）": 6, "防汛抗旱": 5}
EXPERT_EMPLOYERS = {
    "工贸": ("福建{zh}安全技术咨询有限公司", "泉州{zh}安全评价有限公司", "华侨大学", "泉州师范学院"),
    "消防安全": ("福建{zh}消防技术服务有限公司", "泉州{zh}消防工程有限公司"),
    "建筑工程": ("泉州市建筑设计院有限公司", "福建{zh}工程设计院有限公司", "华侨大学"),
    "危险化学品（烟花爆竹）": ("泉州{zh}安全生产技术服务有限公司", "黎明职业大学"),
    "防汛抗旱": ("泉州市水利水电勘测设计院", "泉州职业技术大学"),
}
N_CONFLICTED_EXPERTS = 3
N_RESIDENT_EXPERTS = 5

VISIT_KINDS_BEFORE = {"执法检查": 0.8, "培训": 0.2}
VISIT_KINDS_AFTER = {"执法检查": 0.42, "专家指导": 0.43, "培训": 0.15}
EXTRA_PROBLEMS = {"执法检查": 1.0, "专家指导": 1.5, "培训": 0.2, "评审观摩": 0.3}
SOLVED_WEIGHT = {"执法检查": 1.0, "专家指导": 3.0, "培训": 1.0, "评审观摩": 1.0}


# ================================================================= small helpers

def _scaled(count: float, n_units: int) -> int:
    """``count`` at the reference size, scaled to ``n_units`` (half up)."""
    return int(math.floor(count * n_units / REFERENCE_UNITS + 0.5))


def _apportion(total: int, weights) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    quota = total * w / w.sum()
    base = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - base), kind="stable")
    base[order[: total - base.sum()]] += 1
    return base


def _weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices drawn with probability ∝ weight (zero weight never), sorted."""
    weights = np.asarray(weights, dtype=float)
    keys = rng.exponential(size=weights.size)
    keys = np.where(weights > 0, keys / np.where(weights > 0, weights, 1.0), np.inf)
    k = min(k, int((weights > 0).sum()))
    return np.sort(np.argpartition(keys, k - 1)[:k]) if k > 0 else np.array([], dtype=np.int64)


def _pick(rng: np.random.Generator, options, n: int, weights=None) -> np.ndarray:
    """``n`` draws (with replacement) from ``options`` as an object array."""
    options = np.asarray(list(options), dtype=object)
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return options[rng.choice(len(options), size=n, p=p)]


def _workday_mask(days: np.ndarray) -> np.ndarray:
    """True on Chinese working days of 2023 (weekdays, less holidays, plus make-up days)."""
    weekday = (days.astype("datetime64[D]").view("int64") - 4) % 7 < 5   # 1970-01-01 was a Thursday
    holiday = np.isin(days, np.array(HOLIDAYS, dtype="datetime64[D]"))
    makeup = np.isin(days, np.array(MAKEUP_WORKDAYS, dtype="datetime64[D]"))
    return (weekday & ~holiday) | makeup


def _draw_days(rng, n: int, start, end, growth: float, off_day_weight: float,
               boost_from=None, boost: float = 1.0) -> np.ndarray:
    """``n`` dates in [start, end], intensity growing linearly by ``growth`` over the span."""
    days = np.arange(start, end + np.timedelta64(1, "D"), dtype="datetime64[D]")
    t = np.linspace(0.0, 1.0, days.size)
    w = (1.0 + growth * t) * np.where(_workday_mask(days), 1.0, off_day_weight)
    if boost_from is not None:
        w = w * np.where(days >= boost_from, boost, 1.0)
    return np.sort(days[rng.choice(days.size, size=n, p=w / w.sum())])


def _fmt_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """IDs such as FZ000123 as an object array."""
    return np.array([f"{prefix}{i:0{width}d}" for i in numbers], dtype=object)


def _iso(days: np.ndarray) -> np.ndarray:
    """ISO date strings, '' where the date is missing."""
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    return np.where(np.isnat(days), "", text)


def _slash(iso: np.ndarray) -> np.ndarray:
    """ISO date strings rewritten as 2023/8/15 (no zero padding); '' stays ''."""
    def one(text: str) -> str:
        return "/".join(str(int(part)) for part in text.split("-")) if text else ""
    return np.array([one(t) for t in iso], dtype=object)


def _join(ids: np.ndarray, rows_of_indices) -> np.ndarray:
    """Multi-value cells: ``ids`` picked by each row's indices, joined with 、."""
    return np.array(["、".join(ids[list(rows)]) for rows in rows_of_indices], dtype=object)


def _join_flags(flags: np.ndarray) -> np.ndarray:
    """风险特征 cells from the (n, flag) matrix, via a table of all flag combinations."""
    bits = flags.astype(np.int64) @ (1 << np.arange(len(RISK_FLAGS)))
    table = np.array(["、".join(f for i, f in enumerate(RISK_FLAGS) if mask >> i & 1)
                      for mask in range(1 << len(RISK_FLAGS))], dtype=object)
    return table[bits]


def _unique_strings(rng, n: int, draw) -> list[str]:
    """``n`` distinct values from repeated calls of ``draw(rng)``."""
    seen: dict[str, None] = {}
    while len(seen) < n:
        seen.setdefault(draw(rng), None)
    return list(seen)


# ================================================================= credit codes (vectorised)

_ALPHA_BYTES = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
_ORG_VALUE = np.array([org_char_value(ch) for ch in ALPHABET])       # alphabet index -> GB 11714 value
_ORG_CHECK_INDEX = np.array([ALPHABET.index(c) for c in "0123456789X0"])  # check value 0..11 -> index


def _digits(values: np.ndarray, base: int, width: int) -> np.ndarray:
    """Base-``base`` digits of ``values``, most significant first, shape (n, width)."""
    powers = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % base


def _bodies(kinds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Organisation-code bodies (8 alphabet indices each), unique within each credit prefix.

    91/92: "MA" + 6 characters (post-2015 registrations); 52: "MJ" + 6; 12: "4" + 7 digits.
    """
    out = np.zeros((kinds.size, 8), dtype=np.int64)
    for prefix, head, base in (("91", "MA", 31), ("92", "MA", 31), ("52", "MJ", 31), ("12", "4", 10)):
        rows = np.flatnonzero(kinds == prefix)
        width = 8 - len(head)
        values = rng.choice(base ** width, size=rows.size, replace=False)
        out[rows, : len(head)] = [ALPHABET.index(c) for c in head]
        out[rows, len(head):] = _digits(values, base, width)
    return out


def _credit_codes(kinds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Valid codes for division 350503; '' where ``kinds`` is ''."""
    n = kinds.size
    chars = np.zeros((n, 18), dtype=np.int64)
    for prefix in ("91", "92", "12", "52"):
        chars[kinds == prefix, :2] = [ALPHABET.index(c) for c in prefix]
    chars[:, 2:8] = [ALPHABET.index(c) for c in DIVISION]
    chars[:, 8:16] = _bodies(kinds, rng)
    org_check = 11 - (_ORG_VALUE[chars[:, 8:16]] @ np.array(ORG_WEIGHTS)) % 11
    chars[:, 16] = _ORG_CHECK_INDEX[org_check]
    chars[:, 17] = (31 - (chars[:, :17] @ np.array(USCC_WEIGHTS)) % 31) % 31
    codes = _ALPHA_BYTES[chars].astype(np.uint8).view("S18").ravel().astype("U18").astype(object)
    return np.where(kinds == "", "", codes)


# ================================================================= units

@dataclass
class Units:
    """Column arrays of the units ledger plus generation helpers (index = row)."""
    cat: np.ndarray          # index into CATEGORIES
    sub: np.ndarray          # index into SUBDISTRICTS
    status: np.ndarray
    unit_id: np.ndarray
    employees: np.ndarray
    flags: np.ndarray        # bool (n, len(RISK_FLAGS))
    industry: np.ndarray
    word: np.ndarray         # 工贸 name word for the industry
    kind: np.ndarray         # credit-code prefix or ''
    uscc: np.ndarray
    name: np.ndarray
    address: np.ndarray
    grade: np.ndarray
    tier: np.ndarray
    posts: np.ndarray
    accidents: np.ndarray
    last_inspected: np.ndarray

    @property
    def n(self) -> int:
        return self.cat.size

    def is_cat(self, category: str) -> np.ndarray:
        return self.cat == CATEGORIES.index(category)

    @property
    def active(self) -> np.ndarray:
        return self.status == "在营"

    def flag(self, name: str) -> np.ndarray:
        return self.flags[:, RISK_FLAGS.index(name)]


def _unit_frame(rng, n_units: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Category, subdistrict and status of every unit, shuffled (supervised + 注销)."""
    mix = np.array([SUBDISTRICT_MIX[s] for s in SUBDISTRICTS])          # (sub, cat)
    cat_totals = _apportion(n_units, mix.sum(axis=0))
    cats, subs = [], []
    for c, total in enumerate(cat_totals):
        per_sub = _apportion(int(total), mix[:, c])
        cats.append(np.full(total, c))
        subs.append(np.repeat(np.arange(len(SUBDISTRICTS)), per_sub))
    idle_p = np.array([IDLE_RATE.get(c, 0.0) for c in CATEGORIES])
    cat, sub = np.concatenate(cats), np.concatenate(subs)
    status = np.where(rng.random(cat.size) < idle_p[cat], "停产", "在营").astype(object)

    n_dereg = _scaled(N_DEREGISTERED, n_units)
    d_cats = np.repeat([CATEGORIES.index(c) for c in DEREGISTERED_MIX],
                       _apportion(n_dereg, list(DEREGISTERED_MIX.values())))
    d_subs = np.array([rng.choice(len(SUBDISTRICTS), p=mix[:, c] / mix[:, c].sum()) for c in d_cats],
                      dtype=np.int64)
    cat = np.concatenate([cat, d_cats])
    sub = np.concatenate([sub, d_subs])
    status = np.concatenate([status, np.full(n_dereg, "注销", dtype=object)])
    order = rng.permutation(cat.size)
    return cat[order], sub[order], status[order]


def _employees(rng, cat: np.ndarray) -> np.ndarray:
    median = np.array([EMPLOYEES[c][0] for c in CATEGORIES])[cat]
    sigma = np.array([EMPLOYEES[c][1] for c in CATEGORIES])[cat]
    return np.clip(np.round(median * np.exp(sigma * rng.standard_normal(cat.size))), 3, 3000).astype(np.int64)


def _flag_probabilities() -> np.ndarray:
    """Array (flag, category, subdistrict) of probabilities from FLAG_RULES."""
    p = np.zeros((len(RISK_FLAGS), len(CATEGORIES), len(SUBDISTRICTS)))
    for f, flag in enumerate(RISK_FLAGS):
        for category, (default, by_sub) in FLAG_RULES[flag].items():
            cats = range(len(CATEGORIES)) if category == ALL_CATS else [CATEGORIES.index(category)]
            for c in cats:
                p[f, c, :] = [by_sub.get(s, default) for s in SUBDISTRICTS]
    return p


def _risk_flags(rng, cat: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """Flags by quota: in each (category, subdistrict) cell, round(p * size) random units.

    Quotas rather than coin flips keep the subdistrict profiles clear at every size.
    """
    p = _flag_probabilities()
    flags = np.zeros((cat.size, len(RISK_FLAGS)), dtype=bool)
    cell = cat * len(SUBDISTRICTS) + sub
    order = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[order], np.arange(len(CATEGORIES) * len(SUBDISTRICTS) + 1))
    for c in range(len(CATEGORIES)):
        for s in range(len(SUBDISTRICTS)):
            k = c * len(SUBDISTRICTS) + s
            rows = order[bounds[k]:bounds[k + 1]]
            for f in range(len(RISK_FLAGS)):
                quota = int(math.floor(p[f, c, s] * rows.size + 0.5))
                flags[rng.choice(rows, size=quota, replace=False), f] = True
    return flags


def _industries(rng, cat, sub, flags) -> tuple[np.ndarray, np.ndarray]:
    """行业 of 工贸 firms (pinned by some flags, else by subdistrict mix) and their name word."""
    n = cat.size
    names = list(TRADE_INDUSTRIES)
    industry = np.full(n, "", dtype=object)
    trade = cat == CATEGORIES.index("工贸企业")
    for s, subdistrict in enumerate(SUBDISTRICTS):
        rows = np.flatnonzero(trade & (sub == s))
        boost = SUBDISTRICT_INDUSTRY_BOOST.get(subdistrict, {})
        weights = [TRADE_INDUSTRIES[i][0] * boost.get(i, 1.0) for i in names]
        industry[rows] = _pick(rng, names, rows.size, weights)
    pinned = np.zeros(n, dtype=bool)
    for flag, options in FLAG_INDUSTRIES.items():
        rows = np.flatnonzero(trade & flags[:, RISK_FLAGS.index(flag)] & ~pinned)
        industry[rows] = _pick(rng, options, rows.size)
        pinned[rows] = True
    word = np.full(n, "", dtype=object)
    for ind, (_, words) in TRADE_INDUSTRIES.items():
        rows = np.flatnonzero(industry == ind)
        word[rows] = _pick(rng, words, rows.size)
    return industry, word


def _credit_types(rng, cat, employees) -> np.ndarray:
    """Credit-code prefix of each unit ('' for projects listed without one)."""
    kind = np.full(cat.size, "", dtype=object)
    for c, category in enumerate(CATEGORIES):
        rows = np.flatnonzero(cat == c)
        shares = CREDIT_TYPES[category]
        kind[rows] = _pick(rng, list(shares), rows.size, list(shares.values()))
        if category in SMALL_BUSINESS:
            below, share = SMALL_BUSINESS[category]
            small = rows[(employees[rows] < below) & (rng.random(rows.size) < share)]
            kind[small] = "92"
        if category == "在建施工项目":
            kind[rows[rng.random(rows.size) < NO_CODE_PROJECTS]] = ""
    return kind


def _places(rng, sub: np.ndarray, which: int) -> np.ndarray:
    """A community (which=0) or road (which=1) of each unit's subdistrict."""
    out = np.full(sub.size, "", dtype=object)
    for s, subdistrict in enumerate(SUBDISTRICTS):
        rows = np.flatnonzero(sub == s)
        out[rows] = _pick(rng, PLACES[subdistrict][which].split(), rows.size)
    return out


def _zihao(rng, n: int) -> np.ndarray:
    """Trade names (字号) of two or, now and then, three characters: 鑫达, 鸿盛源."""
    first = _pick(rng, ZIHAO_FIRST, n)
    second = _pick(rng, ZIHAO_SECOND, n)
    third = np.where(rng.random(n) < 0.25, _pick(rng, ZIHAO_SECOND, n), "").astype(object)
    return first + second + third


def _fill(templates: list[str], code: np.ndarray, fields: dict[str, np.ndarray]) -> np.ndarray:
    """Row i gets ``templates[code[i]]`` filled from the row's ``fields``."""
    out = np.full(code.size, "", dtype=object)
    for j, template in enumerate(templates):
        rows = np.flatnonzero(code == j)
        names = [f for _, f, _, _ in Formatter().parse(template) if f]
        columns = [fields[f][rows] for f in names]
        out[rows] = [template.format(**dict(zip(names, values, strict=True)))
                     for values in zip(*columns, strict=True)] if names else template
    return out


def _draw_names(rng, cat, kind, sub, word, industry) -> tuple[np.ndarray, np.ndarray]:
    """Unit names from NAME_PATTERNS; returns names and the (possibly updated) industries."""
    n = cat.size
    fields = {"zh": _zihao(rng, n), "place": _places(rng, sub, 0), "road": _places(rng, sub, 1),
              "word": word}
    code = np.full(n, -1, dtype=np.int64)
    templates, industries = [], []
    key_kind = np.where(kind == "", np.where(cat == CATEGORIES.index("在建施工项目"), "91", ""), kind)
    for (category, prefix), patterns in NAME_PATTERNS.items():
        rows = np.flatnonzero((cat == CATEGORIES.index(category)) & (key_kind == prefix))
        choice = rng.choice(len(patterns), size=rows.size, p=_norm([p[0] for p in patterns]))
        code[rows] = len(templates) + choice
        templates += [t for _, t, _ in patterns]
        industries += [i for _, _, i in patterns]
    from_pattern = np.array(industries + [None], dtype=object)[code]   # code -1: no pattern
    industry = np.where(from_pattern == None, industry, from_pattern)  # noqa: E711 (工贸 keep theirs)
    return _fill(templates, code, fields), industry


def _norm(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _unique_names(rng, cat, kind, sub, word, industry, rounds: int = 12):
    """Unit names, re-drawn where they repeat; leftovers (only at huge sizes) get a number."""
    name, industry = _draw_names(rng, cat, kind, sub, word, industry)
    before = cat.size
    for _ in range(rounds):
        dup = np.flatnonzero(pd.Series(name).duplicated().to_numpy())
        if dup.size == 0 or dup.size > 0.7 * before:   # done, or the name space is saturated
            break
        before = dup.size
        name[dup], industry[dup] = _draw_names(rng, cat[dup], kind[dup], sub[dup], word[dup],
                                               industry[dup])
    seq = pd.Series(name).groupby(name).cumcount().to_numpy()
    suffix = "（" + (seq + 1).astype(str).astype(object) + "）"
    return np.where(seq > 0, name + suffix, name), industry


def _addresses(rng, cat, sub, flags) -> np.ndarray:
    """Addresses in each unit's subdistrict (北峰 industrial zones, 成洲 warehouses, project sites)."""
    n = cat.size
    fields = {"sub": np.array(SUBDISTRICTS, dtype=object)[sub], "place": _places(rng, sub, 0),
              "road": _places(rng, sub, 1), "road2": _places(rng, sub, 1),
              "num": rng.integers(1, 400, size=n), "floor": rng.integers(1, 6, size=n),
              "zone": _pick(rng, INDUSTRIAL_ZONES, n)}
    r = rng.random(n)
    trade = cat == CATEGORIES.index("工贸企业")
    in_sub = {s: sub == i for i, s in enumerate(SUBDISTRICTS)}
    patterns = [  # (condition, template); the first that holds wins
        ((cat == CATEGORIES.index("在建施工项目")) & (fields["road"] != fields["road2"]),
         "丰泽区{road}与{road2}交叉口东北侧"),
        (trade & in_sub["北峰街道"] & (r < 0.85), "泉州市丰泽区{sub}{zone}{road}{num}号"),
        (trade & in_sub["泉秀街道"] & (r < 0.5), "泉州市丰泽区{sub}成洲工业区{num}号仓库"),
        (flags[:, RISK_FLAGS.index("自建厂房")] & (r < 0.5), "泉州市丰泽区{sub}{place}社区{num}号"),
        ((cat == CATEGORIES.index("文旅场所")) & in_sub["泉秀街道"] & (r < 0.3),
         "泉州市丰泽区{sub}成洲社区{road}{num}号{floor}楼"),
        (r < 0.5, "泉州市丰泽区{sub}{place}社区{road}{num}号"),
        (r < 0.8, "丰泽区{road}{num}号"),
        (np.ones(n, dtype=bool), "泉州市丰泽区{road}{num}号{floor}楼"),
    ]
    code = np.select([c for c, _ in patterns], np.arange(len(patterns)), 0)
    return _fill([t for _, t in patterns], code, fields)


def _base_grades(rng, cat) -> np.ndarray:
    """标准化等级 before tiers and reviews: a mix for 工贸, mostly empty elsewhere."""
    grade = np.full(cat.size, "", dtype=object)
    trade = np.flatnonzero(cat == CATEGORIES.index("工贸企业"))
    grade[trade] = _pick(rng, ["一级", "二级", "三级", "小微达标", "未达标", ""], trade.size,
                         [0.002, 0.03, 0.15, 0.10, 0.28, 0.438])
    hospitality = np.flatnonzero(np.isin(cat, [CATEGORIES.index("住宿餐饮"), CATEGORIES.index("文旅场所")]))
    grade[hospitality] = _pick(rng, ["三级", ""], hospitality.size, [0.03, 0.97])
    return grade


def build_units(rng: np.random.Generator, n_units: int) -> Units:
    """Every attribute of the units ledger that does not depend on events."""
    cat, sub, status = _unit_frame(rng, n_units)
    n = cat.size
    width = max(6, len(str(n)))
    employees = _employees(rng, cat)
    flags = _risk_flags(rng, cat, sub)
    industry, word = _industries(rng, cat, sub, flags)
    kind = _credit_types(rng, cat, employees)
    name, industry = _unique_names(rng, cat, kind, sub, word, industry)
    last = INSPECTED_SINCE + rng.integers(0, int((AS_OF - INSPECTED_SINCE).astype(int)) + 1, size=n)
    last = np.where(rng.random(n) < 0.85, last, np.datetime64("NaT")).astype("datetime64[D]")
    return Units(
        cat=cat, sub=sub, status=status, unit_id=_fmt_ids("FZ", np.arange(1, n + 1), width),
        employees=employees, flags=flags, industry=industry, word=word, kind=kind,
        uscc=_credit_codes(kind, rng), name=name, address=_addresses(rng, cat, sub, flags),
        grade=_base_grades(rng, cat), tier=np.full(n, "", dtype=object),
        posts=np.zeros(n, dtype=np.int64),
        accidents=rng.choice(3, size=n, p=[0.982, 0.015, 0.003]), last_inspected=last,
    )


# ================================================================= tiers, reviews, posts

@dataclass
class Reviews:
    unit: np.ndarray         # unit row index
    day: np.ndarray
    passed: np.ndarray
    experts: list[list[int]]
    observers: np.ndarray


def _review_units(rng, units: Units, n_reviews: int) -> np.ndarray:
    """Distinct active small/micro 工贸 firms without a grade of 三级 or better."""
    eligible = (units.is_cat("工贸企业") & units.active & (units.employees < 100)
                & ~np.isin(units.grade, ["一级", "二级", "三级", "小微达标"]))
    return rng.permutation(_weighted_sample(rng, eligible.astype(float), n_reviews))


def plan_reviews(rng, units: Units, n_units: int) -> Reviews:
    """小微企业不定级评审 of this year; passers become 小微达标, the others 未达标."""
    rows = _review_units(rng, units, _scaled(N_REVIEWS, n_units))
    days = _draw_days(rng, rows.size, REVIEWS_START, AS_OF, growth=0.5, off_day_weight=0.0)
    passed = np.zeros(rows.size, dtype=bool)
    passed[rng.permutation(rows.size)[: _scaled(N_REVIEWS_PASSED, n_units)]] = True
    units.grade[rows] = np.where(passed, "小微达标", "未达标")
    observers = rng.binomial(12, 0.45, size=rows.size)
    return Reviews(unit=rows, day=days, passed=passed, experts=[[] for _ in rows], observers=observers)


def assign_tiers(rng, units: Units, reviews: Reviews, n_units: int) -> None:
    """精品 / 标杆 / 评审达标 among supervised units, with grades that fit the tier."""
    taken = np.zeros(units.n, dtype=bool)
    taken[reviews.unit] = True
    size = units.employees.astype(float)
    active_trade = units.active & units.is_cat("工贸企业")
    hospitality = units.active & (units.is_cat("住宿餐饮") | units.is_cat("文旅场所"))
    counts = {t: _scaled(c, n_units) for t, c in TIER_COUNTS.items()}

    passers = reviews.unit[reviews.passed]
    plan = [  # tier, eligible, weight exponent, share of hospitality, grades
        ("精品", active_trade, 1.5, 0.0, (["一级", "二级"], [0.3, 0.7])),
        ("标杆", active_trade, 1.0, 0.08, (["二级", "三级"], [0.4, 0.6])),
        ("评审达标", active_trade, 0.5, 0.10, (["三级", "小微达标"], [0.5, 0.5])),
    ]
    for tier, eligible, power, other_share, (grades, p) in plan:
        need = counts[tier]
        if tier == "评审达标":
            units.tier[passers] = tier
            taken[passers] = True
            need -= passers.size
        n_other = int(round(need * other_share))
        picked = np.concatenate([
            _weighted_sample(rng, np.where(eligible & ~taken, size ** power, 0.0), need - n_other),
            _weighted_sample(rng, np.where(hospitality & ~taken, size ** power, 0.0), n_other),
        ])
        units.tier[picked] = tier
        units.grade[picked] = _pick(rng, grades, picked.size, p)
        taken[picked] = True


def assign_demo_posts(rng, units: Units, n_units: int) -> None:
    """示范岗位数 summing exactly to the published total, mostly on tiered enterprises."""
    total = _scaled(DEMO_POSTS, n_units)
    base = np.select([units.tier == "精品", units.tier == "标杆", units.tier == "评审达标"], [5, 2, 1], 0)
    if base.sum() > total:          # only at tiny sizes
        base = np.zeros_like(base)
    weight = np.select([units.tier == "精品", units.tier == "标杆", units.tier == "评审达标",
                        np.isin(units.grade, ["一级", "二级"]) & units.active,
                        (units.grade == "三级") & units.active], [12.0, 5.0, 1.2, 0.8, 0.2], 0.0)
    if weight.sum() == 0:           # tiny sizes: no tiered or graded unit at all
        weight = np.ones(units.n)
    rest = max(0, total - int(base.sum()))
    units.posts = base + rng.multinomial(rest, weight / weight.sum())


# ================================================================= people

def _person_names(rng, n: int, taken: set[str]) -> list[str]:
    """Distinct Chinese names (surname + one or two given characters)."""
    surname_w = 1.0 / (np.arange(len(SURNAMES)) + 3.0)

    def draw(r):
        chars = GIVEN_CHARS[int(r.random() < 0.4)]
        given = "".join(_pick(r, chars, 2 if r.random() < 0.75 else 1))
        return str(_pick(r, SURNAMES, 1, surname_w)[0]) + given

    names = [x for x in _unique_strings(rng, n + len(taken), draw) if x not in taken][:n]
    taken.update(names)
    return names


def _phones(rng, n: int, taken: set[str]) -> list[str]:
    def draw(r):
        return str(_pick(r, PHONE_PREFIXES, 1)[0]) + f"{int(r.integers(0, 10**8)):08d}"
    phones = [x for x in _unique_strings(rng, n + len(taken), draw) if x not in taken][:n]
    taken.update(phones)
    return phones


def build_departments() -> pd.DataFrame:
    return pd.DataFrame({
        "dept": list(DEPARTMENT_ROWS),
        "domains": ["、".join(d) for d, _, _ in DEPARTMENT_ROWS.values()],
        "participates": ["是" if p else "否" for _, p, _ in DEPARTMENT_ROWS.values()],
    })


def build_cadres(rng, names: set[str], phones: set[str]) -> pd.DataFrame:
    """43 bureau cadres, the 30-member 帮扶工作队 and some other department cadres."""
    team_depts = [d for d, (_, part, k) in DEPARTMENT_ROWS.items() if part for _ in range(k)]
    other_depts = list(_pick(rng, [d for d, (_, p, _) in DEPARTMENT_ROWS.items() if p], N_OTHER_CADRES))
    depts = [BUREAU] * len(BUREAU_TITLES) + team_depts + other_depts
    n = len(depts)
    n_bureau, n_team = len(BUREAU_TITLES), len(team_depts)
    titles = BUREAU_TITLES + list(_pick(rng, TEAM_TITLES, n - n_bureau, [1, 3, 3, 5, 3]))
    licensed = np.array([t not in BUREAU_UNLICENSED or rng.random() < 0.6 for t in BUREAU_TITLES]
                        + list(rng.random(n - n_bureau) < 0.5))
    bureau_no = np.sort(rng.choice(np.arange(1, 100), size=n_bureau, replace=False))
    other_no = rng.choice(np.arange(100, 1000), size=n - n_bureau, replace=False)
    years = rng.integers(2019, 2023, size=n - n_bureau)
    licence = ([f"3505032023{x:03d}" for x in bureau_no]
               + [f"350503{y}{x:03d}" for y, x in zip(years, other_no, strict=True)])
    return pd.DataFrame({
        "cadre_id": ([f"YJ{i + 1:03d}" for i in range(n_bureau)]
                     + [f"BF{i + 1:03d}" for i in range(n - n_bureau)]),
        "name": _person_names(rng, n, names),
        "dept": depts,
        "title": titles,
        "phone": _phones(rng, n, phones),
        "licence": [lic if ok else "" for lic, ok in zip(licence, licensed, strict=True)],
        "on_team": ["否"] * n_bureau + ["是"] * n_team + ["否"] * (n - n_bureau - n_team),
    })


def _expert_domains(rng) -> list[list]:
    """[primary domain, all domains] per expert: fixed primaries, up to two more domains."""
    primaries = rng.permutation([d for d, k in EXPERT_PRIMARY.items() for _ in range(k)])
    out = []
    for primary in primaries:
        extra = rng.choice(3, p=[0.45, 0.40, 0.15])
        others = [d for d in EXPERT_DOMAINS if d != primary]
        chosen = {primary, *rng.choice(others, size=extra, replace=False)}
        out.append([d for d in EXPERT_DOMAINS if d in chosen])   # contract order
    return [list(x) for x in zip(primaries, out, strict=True)]


def build_experts(rng, units: Units, names: set[str], phones: set[str]) -> tuple[pd.DataFrame, dict]:
    """The 43-expert pool; a few work at supervised enterprises (conflicts of interest)."""
    pairs = _expert_domains(rng)
    n = len(pairs)
    employers = []
    for primary, _ in pairs:
        template = str(_pick(rng, EXPERT_EMPLOYERS[primary], 1)[0])
        employers.append(template.format(zh=_zihao(rng, 1)[0]))
    trade_experts = [i for i, (p, _) in enumerate(pairs) if p == "工贸"]
    conflicted = trade_experts[:N_CONFLICTED_EXPERTS]
    big_firms = _weighted_sample(rng, np.where(units.active & (units.tier != "") & units.is_cat("工贸企业"),
                                               1.0, 0.0), len(conflicted))
    conflicts = {}
    for e, u in zip(conflicted, big_firms, strict=False):   # fewer firms at tiny sizes
        employers[e] = units.name[u]
        conflicts[int(u)] = e
    resident = np.zeros(n, dtype=bool)
    resident[rng.choice(n, size=N_RESIDENT_EXPERTS, replace=False)] = True
    cap = np.where(resident, rng.integers(5, 7, size=n), rng.integers(2, 6, size=n))
    frame = pd.DataFrame({
        "expert_id": [f"ZJ{i + 1:03d}" for i in range(n)],
        "name": _person_names(rng, n, names),
        "domains": ["、".join(d) for _, d in pairs],
        "employer": employers,
        "phone": _phones(rng, n, phones),
        "resident": np.where(resident, "是", "否"),
        "weekly_cap": cap,
    })
    return frame, conflicts


# ================================================================= expert assignment

def _unit_domains(units: Units) -> np.ndarray:
    """The expert domain (index into EXPERT_DOMAINS) that best fits each unit."""
    d = {name: i for i, name in enumerate(EXPERT_DOMAINS)}
    rules = [  # first match wins; everything else needs fire safety
        (units.is_cat("在建施工项目"), "建筑工程"),
        (units.flag("危险化学品使用"), "危险化学品（烟花爆竹）"),
        (units.flag("临山临水") & ~units.is_cat("工贸企业"), "防汛抗旱"),
        (units.is_cat("工贸企业"), "工贸"),
    ]
    return np.select([m for m, _ in rules], [d[name] for _, name in rules], d["消防安全"])


class ExpertPicker:
    """Chooses experts by domain, skipping conflicts and, while possible, full weekly caps."""

    def __init__(self, experts: pd.DataFrame, conflicts: dict[int, int]):
        self.has = np.array([[d in set(x.split("、")) for d in EXPERT_DOMAINS] for x in experts["domains"]])
        self.base = np.where(experts["resident"].to_numpy() == "是", 1.5, 1.0)
        self.cap = experts["weekly_cap"].to_numpy()
        self.conflicts = conflicts
        self.load: dict[int, np.ndarray] = {}

    def pick(self, rng, domain: int, unit: int, day, k: int) -> list[int]:
        if k <= 0:
            return []
        weight = self.base * np.where(self.has[:, domain], 3.0, 0.3)
        if unit in self.conflicts:
            weight[self.conflicts[unit]] = 0.0
        week = int((day - PERIOD_START).astype(int)) // 7
        load = self.load.setdefault(week, np.zeros(self.cap.size, dtype=np.int64))
        free = load < self.cap
        if ((weight > 0) & free).sum() >= k:
            weight = weight * free
        chosen = _weighted_sample(rng, weight, k)
        load[chosen] += 1
        return [int(i) for i in chosen]


def staff_reviews(rng, reviews: Reviews, units: Units, picker: ExpertPicker) -> None:
    domains = _unit_domains(units)
    sizes = rng.choice([1, 2, 3], size=reviews.unit.size, p=[0.25, 0.45, 0.30])
    for i in np.argsort(reviews.day, kind="stable"):
        u = int(reviews.unit[i])
        reviews.experts[i] = picker.pick(rng, int(domains[u]), u, reviews.day[i], int(sizes[i]))


# ================================================================= visits

@dataclass
class Visits:
    day: np.ndarray
    unit: np.ndarray
    kind: np.ndarray
    cadre: np.ndarray        # cadre_id or ''
    experts: list[list[int]]
    found: np.ndarray
    solved: np.ndarray


def _key_units(rng, units: Units, n_units: int) -> np.ndarray:
    """Key enterprises (包保 and assistance targets): active, risky, larger 工贸 firms."""
    risk = 1.0 + units.flags[:, [RISK_FLAGS.index(f) for f in SPECIAL_FLAGS]].sum(axis=1)
    weight = np.where(units.active & units.is_cat("工贸企业"), risk * np.log1p(units.employees), 0.0)
    return rng.permutation(_weighted_sample(rng, weight, max(1, _scaled(N_KEY_UNITS, n_units))))


def _visit_units(rng, units: Units, key: np.ndarray, n: int) -> np.ndarray:
    """Visited units: a little over half on key enterprises, the rest mostly other 工贸 firms."""
    on_key = rng.random(n) < 0.55
    cat_w = np.where(units.is_cat("工贸企业"), 1.0, 0.08)
    others = rng.choice(units.n, size=n, p=_norm(np.where(units.active, cat_w, 0.0)))
    if key.size == 0:
        return others
    return np.where(on_key, key[rng.integers(0, key.size, size=n)], others)


def _visit_cadres(rng, kinds: np.ndarray, unit: np.ndarray, key: np.ndarray,
                  cadres: pd.DataFrame) -> np.ndarray:
    """干部工号: 执法检查 by licensed cadres, the paired bureau cadre on key firms, some blank."""
    ids = cadres["cadre_id"].to_numpy(dtype=object)
    bureau = ids[cadres["dept"].to_numpy() == BUREAU]
    team = ids[cadres["on_team"].to_numpy() == "是"]
    licensed = ids[cadres["licence"].to_numpy() != ""]
    paired = {int(u): bureau[i % bureau.size] for i, u in enumerate(key[: bureau.size])}
    n = kinds.size
    own = np.array([paired.get(int(u), "") for u in unit], dtype=object)
    any_cadre = np.where(rng.random(n) < 0.5, team[rng.integers(0, team.size, n)],
                         bureau[rng.integers(0, bureau.size, n)])
    own_ok = (own != "") & (rng.random(n) < 0.6)
    cadre = np.where(own_ok, own, any_cadre)
    enforce = kinds == "执法检查"
    cadre = np.where(enforce & ~np.isin(cadre, licensed), licensed[rng.integers(0, licensed.size, n)], cadre)
    blank = ((kinds == "专家指导") & (rng.random(n) < 0.25)) | ((kinds == "评审观摩") & (rng.random(n) < 0.3))
    return np.where(blank, "", cadre).astype(object)


def _visit_kinds(rng, days: np.ndarray) -> np.ndarray:
    before = days < MECHANISM_START
    early = _pick(rng, list(VISIT_KINDS_BEFORE), days.size, list(VISIT_KINDS_BEFORE.values()))
    late = _pick(rng, list(VISIT_KINDS_AFTER), days.size, list(VISIT_KINDS_AFTER.values()))
    return np.where(before, early, late).astype(object)


def _observer_visits(rng, reviews: Reviews, units: Units) -> tuple[list, list, list]:
    """评审观摩 visits: peer firms of the same subdistrict watching a review on site."""
    pool = units.active & units.is_cat("工贸企业")
    peers_of = [np.flatnonzero(pool & (units.sub == s)) for s in range(len(SUBDISTRICTS))]
    watched = np.flatnonzero((reviews.observers > 0) & (rng.random(reviews.unit.size) < 0.6))
    watched = np.repeat(watched, 1 + (rng.random(watched.size) < 0.3))      # one or two visitors
    days, rows, experts = [], [], []
    for i, r in zip(watched, rng.random(watched.size), strict=True):
        u = reviews.unit[i]
        peers = peers_of[units.sub[u]]
        peer = peers[int(r * peers.size)] if peers.size > 1 else u
        if peer == u or (rows and rows[-1] == peer and days[-1] == reviews.day[i]):
            continue
        days.append(reviews.day[i])
        rows.append(int(peer))
        experts.append(list(reviews.experts[i][:2]))   # the lead reviewers
    return days, rows, experts


def plan_visits(rng, units: Units, reviews: Reviews, cadres: pd.DataFrame, picker: ExpertPicker,
                key: np.ndarray, n_units: int) -> Visits:
    """帮扶服务记录: mostly from April, mostly 工贸, experts by domain; 评审观摩 from reviews."""
    n = _scaled(N_VISITS, n_units)
    days = _draw_days(rng, n, np.datetime64("2023-02-06"), AS_OF, growth=0.8, off_day_weight=0.03,
                      boost_from=MECHANISM_START, boost=8.0)
    kinds = _visit_kinds(rng, days)
    unit = _visit_units(rng, units, key, n)
    o_days, o_units, o_experts = _observer_visits(rng, reviews, units)
    days = np.concatenate([days, np.array(o_days, dtype="datetime64[D]")])
    unit = np.concatenate([unit, np.array(o_units, dtype=np.int64)])
    kinds = np.concatenate([kinds, np.full(len(o_days), "评审观摩", dtype=object)])
    order = np.argsort(days, kind="stable")
    days, unit, kinds = days[order], unit[order], kinds[order]
    experts_of = ([[]] * n + o_experts)
    experts = [list(experts_of[i]) for i in order]

    domains = _unit_domains(units)
    wanted = np.select([kinds == "执法检查", kinds == "专家指导", kinds == "培训"],
                       [(rng.random(days.size) < 0.6).astype(int), 1 + (rng.random(days.size) < 0.3),
                        (rng.random(days.size) < 0.3).astype(int)], 0)
    for i in range(days.size):
        if kinds[i] != "评审观摩":
            experts[i] = picker.pick(rng, int(domains[unit[i]]), int(unit[i]), days[i], int(wanted[i]))
    return Visits(day=days, unit=unit, kind=kinds, cadre=_visit_cadres(rng, kinds, unit, key, cadres),
                  experts=experts, found=np.zeros(days.size, dtype=np.int64),
                  solved=np.zeros(days.size, dtype=np.int64))


def count_problems(rng, visits: Visits, attached: np.ndarray, n_units: int) -> None:
    """发现问题数 = hazards recorded from the visit + minor ones; 解决问题数 sums to the total."""
    extra = np.array([EXTRA_PROBLEMS[k] for k in visits.kind])
    visits.found = attached + rng.poisson(extra)
    slots = np.repeat(np.arange(visits.found.size), visits.found)
    weight = np.array([SOLVED_WEIGHT[k] for k in visits.kind])[slots]
    chosen = _weighted_sample(rng, weight, _scaled(PROBLEMS_SOLVED, n_units))
    visits.solved = np.bincount(slots[chosen], minlength=visits.found.size)


# ================================================================= hazards

@dataclass
class Hazards:
    day: np.ndarray
    unit: np.ndarray
    level: np.ndarray
    kind: np.ndarray
    text: np.ndarray
    due: np.ndarray
    fixed: np.ndarray
    source: np.ndarray


def _hazard_sources(rng, days: np.ndarray) -> np.ndarray:
    early = _pick(rng, list(SOURCES_BEFORE), days.size, list(SOURCES_BEFORE.values()))
    late = _pick(rng, list(SOURCES_AFTER), days.size, list(SOURCES_AFTER.values()))
    return np.where(days < MECHANISM_START, early, late).astype(object)


def _link_to_visits(rng, days, unit, source, visits: Visits) -> np.ndarray:
    """Move 帮扶检查 / 专家指导 hazards onto a matching visit; returns hazards per visit."""
    attached = np.zeros(visits.day.size, dtype=np.int64)
    for src, kind in (("帮扶检查", "执法检查"), ("专家指导", "专家指导")):
        rows = np.flatnonzero(source == src)
        pool = np.flatnonzero((visits.kind == kind) & (visits.day >= MECHANISM_START))
        if pool.size == 0:
            source[rows] = "执法检查"
            continue
        v = pool[rng.integers(0, pool.size, size=rows.size)]
        days[rows], unit[rows] = visits.day[v], visits.unit[v]
        np.add.at(attached, v, 1)
    return attached


def _hazard_texts(rng, units: Units, unit: np.ndarray, major: np.ndarray):
    """隐患类别 and 隐患描述 from the unit's category or one of its special risk flags."""
    special = units.flags[:, [RISK_FLAGS.index(f) for f in SPECIAL_FLAGS]]
    keys = np.where(special, rng.random(special.shape), -1.0)
    own_flag = np.where(keys.max(axis=1) >= 0, np.array(SPECIAL_FLAGS, dtype=object)[keys.argmax(axis=1)], "")
    category = np.array(CATEGORIES, dtype=object)[units.cat]
    pool = np.where((own_flag[unit] != "") & (rng.random(unit.size) < 0.5), own_flag[unit], category[unit])
    kind, text = np.full(unit.size, "", dtype=object), np.full(unit.size, "", dtype=object)
    for name, (general, majors) in HAZARD_POOLS.items():
        for is_major, items in ((False, general), (True, majors)):
            rows = np.flatnonzero((pool == name) & (major == is_major))
            pick = rng.integers(0, len(items), size=rows.size)
            kind[rows] = np.array([k for k, _ in items], dtype=object)[pick]
            text[rows] = np.array([t for _, t in items], dtype=object)[pick]
    return kind, text


def _remediation(rng, days: np.ndarray, major: np.ndarray):
    """整改期限 and 整改完成日期 (empty while still open on AS_OF)."""
    n = days.size
    window = np.where(major, _pick(rng, MAJOR_WINDOWS, n), _pick(rng, GENERAL_WINDOWS, n)).astype(np.int64)
    due = days + window.astype("timedelta64[D]")
    r = rng.random(n)
    share = np.where(r < 0.15, 0.0, np.where(r < 0.85, rng.uniform(0.1, 1.0, n), rng.uniform(1.0, 1.6, n)))
    share = np.where(major, rng.uniform(0.2, 0.7, n), share)
    delay = np.ceil(share * window).astype(np.int64).astype("timedelta64[D]")
    fixed = days + delay
    open_ = (fixed > AS_OF) | (rng.random(n) < STUCK_SHARE)
    return due, np.where(open_, np.datetime64("NaT"), fixed).astype("datetime64[D]")


def plan_hazards(rng, units: Units, visits: Visits, n_units: int) -> tuple[Hazards, np.ndarray]:
    """隐患排查治理台账 rows and the number of hazards attached to each visit."""
    n = _scaled(N_HAZARDS, n_units)
    days = _draw_days(rng, n, PERIOD_START, AS_OF, growth=2.0, off_day_weight=0.15,
                      boost_from=MECHANISM_START, boost=1.4)
    source = _hazard_sources(rng, days)
    cat_w = np.array([HAZARD_CATEGORY_WEIGHT[c] for c in CATEGORIES])[units.cat]
    risk = 1.0 + 0.6 * units.flags[:, [RISK_FLAGS.index(f) for f in SPECIAL_FLAGS]].sum(axis=1)
    weight = np.where(units.active, cat_w * risk * np.log1p(units.employees), 0.0)
    unit = rng.choice(units.n, size=n, p=_norm(weight))
    attached = _link_to_visits(rng, days, unit, source, visits)
    order = np.argsort(days, kind="stable")
    days, unit, source = days[order], unit[order], source[order]
    major = np.zeros(n, dtype=bool)   # mostly found during the spring and summer campaign
    major[_weighted_sample(rng, np.where(days <= MAJOR_LATE, 1.0, 0.5), int(round(MAJOR_SHARE * n)))] = True
    kind, text = _hazard_texts(rng, units, unit, major)
    due, fixed = _remediation(rng, days, major)
    level = np.where(major, "重大隐患", "一般隐患").astype(object)
    return Hazards(days, unit, level, kind, text, due, fixed, source), attached


def update_last_inspected(units: Units, hazards: Hazards, visits: Visits) -> None:
    """最近检查日期 is at least the latest inspection recorded in hazards and visits."""
    inspected = np.isin(hazards.source, ["执法检查", "帮扶检查", "专家指导"])
    on_site = np.isin(visits.kind, ["执法检查", "专家指导"])
    last = units.last_inspected.view("int64").copy()         # NaT is the smallest int64
    np.maximum.at(last, hazards.unit[inspected], hazards.day[inspected].view("int64"))
    np.maximum.at(last, visits.unit[on_site], visits.day[on_site].view("int64"))
    units.last_inspected = last.view("datetime64[D]")


# ================================================================= frames

def _frame(ledger: Ledger, columns: dict[str, object]) -> pd.DataFrame:
    """A frame with the contract's Chinese headers in contract order."""
    missing = [c.name for c in ledger.columns if c.name not in columns]
    if missing:
        raise KeyError(f"{ledger.key}: missing columns {missing}")
    return pd.DataFrame({c.header: columns[c.name] for c in ledger.columns})


def units_frame(units: Units, dates) -> pd.DataFrame:
    return _frame(UNITS, {
        "unit_id": units.unit_id, "uscc": units.uscc, "name": units.name,
        "category": np.array(CATEGORIES, dtype=object)[units.cat], "industry": units.industry,
        "subdistrict": np.array(SUBDISTRICTS, dtype=object)[units.sub], "address": units.address,
        "employees": units.employees, "risk_flags": _join_flags(units.flags), "std_grade": units.grade,
        "tier": units.tier, "demo_posts": units.posts, "accidents_3y": units.accidents,
        "last_inspected": dates(units.last_inspected), "status": units.status,
    })


def hazards_frame(h: Hazards, units: Units, dates) -> pd.DataFrame:
    width = max(5, len(str(h.day.size)))
    return _frame(HAZARDS, {
        "hazard_id": _fmt_ids("YH2023", np.arange(1, h.day.size + 1), width),
        "unit_id": units.unit_id[h.unit], "found_on": dates(h.day), "level": h.level, "kind": h.kind,
        "description": h.text, "due_on": dates(h.due), "fixed_on": dates(h.fixed), "source": h.source,
    })


def visits_frame(v: Visits, units: Units, experts: pd.DataFrame, dates) -> pd.DataFrame:
    width = max(4, len(str(v.day.size)))
    return _frame(VISITS, {
        "visit_id": _fmt_ids("FW2023", np.arange(1, v.day.size + 1), width),
        "visited_on": dates(v.day), "unit_id": units.unit_id[v.unit], "cadre_id": v.cadre,
        "expert_ids": _join(experts["expert_id"].to_numpy(), v.experts),
        "kind": v.kind, "problems_found": v.found, "problems_solved": v.solved,
    })


def reviews_frame(r: Reviews, units: Units, experts: pd.DataFrame, dates) -> pd.DataFrame:
    order = np.argsort(r.day, kind="stable")
    width = max(3, len(str(order.size)))
    return _frame(REVIEWS, {
        "review_id": _fmt_ids("PS2023", np.arange(1, order.size + 1), width),
        "unit_id": units.unit_id[r.unit[order]], "reviewed_on": dates(r.day[order]),
        "review_kind": np.full(order.size, "小微企业不定级评审", dtype=object),
        "result": np.where(r.passed[order], "通过", "不通过"),
        "expert_ids": _join(experts["expert_id"].to_numpy(), (r.experts[i] for i in order)),
        "observers": r.observers[order],
    })


# ================================================================= writers

def _csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator=newline)
    return buf.getvalue().encode(encoding)


def _write_csv(path: Path, frame: pd.DataFrame, encoding: str = "utf-8", newline: str = "\n") -> Path:
    atomic_write(path, _csv_bytes(frame, encoding, newline))
    return path


def _as_dates(days: np.ndarray) -> np.ndarray:
    """datetime.date objects (None where missing), for real Excel date cells."""
    return days.astype("datetime64[D]").astype(object)


def _cell(value):
    """Excel cell value: '' becomes an empty cell, numpy scalars become Python numbers."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _write_xlsx(path: Path, sheet: str, frame: pd.DataFrame, title: str | None = None) -> Path:
    """One sheet: optional merged title row, bold header row, data rows; dates as dates."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=frame.shape[1])
        ws.cell(1, 1).font = Font(bold=True, size=14)
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.append(list(frame.columns))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    for i, header in enumerate(frame.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, 2.2 * len(header) + 2)
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    save_workbook(wb, path, SAVED_AT)
    return path


def _write_hazards_mixed(out_dir: Path, frame: pd.DataFrame, days: np.ndarray, rng) -> list[Path]:
    """First half-year as a GB18030 export (some 2023/8/15 dates), the rest as UTF-8 with BOM."""
    first = days <= FIRST_HALF_END
    early = frame[first].copy()
    slash = rng.random(len(early)) < 0.2
    for col in (HAZARDS.column(c).header for c in ("found_on", "due_on", "fixed_on")):
        iso = early[col].to_numpy(dtype=object)
        early[col] = np.where(slash, _slash(iso), iso)
    return [
        _write_csv(out_dir / "隐患排查治理台账_2023上半年.csv", early, "gb18030", "\r\n"),
        _write_csv(out_dir / "hazards_2023-07_08.csv", frame[~first], "utf-8-sig", "\r\n"),
    ]


def _write_mixed(out_dir: Path, tables: dict, hazard_days: np.ndarray, rng) -> list[Path]:
    paths = [_write_xlsx(out_dir / "监管对象台账（2023年8月）.xlsx", UNITS.title, tables["units"],
                         title="丰泽区生产经营单位监管台账（截至2023年8月13日）")]
    paths += _write_hazards_mixed(out_dir, tables["hazards"], hazard_days, rng)
    paths.append(_write_csv(out_dir / "区直单位.csv", tables["departments"]))
    paths.append(_write_xlsx(out_dir / "干部名册.xlsx", CADRES.title, tables["cadres"]))
    paths.append(_write_xlsx(out_dir / "专家库.xlsx", EXPERTS.title, tables["experts"]))
    paths.append(_write_xlsx(out_dir / "帮扶服务记录.xlsx", VISITS.title, tables["visits"]))
    paths.append(_write_csv(out_dir / "标准化评审记录.csv", tables["reviews"]))
    return paths


def _write_all_csv(out_dir: Path, tables: dict) -> list[Path]:
    titles = {"units": UNITS, "hazards": HAZARDS, "departments": DEPARTMENTS, "cadres": CADRES,
              "experts": EXPERTS, "visits": VISITS, "reviews": REVIEWS}
    return [_write_csv(out_dir / f"{titles[key].title}.csv", frame) for key, frame in tables.items()]


# ================================================================= entry point

def build(n_units: int = REFERENCE_UNITS, seed: int = 20230813, excel_dates: bool = False):
    """All ledgers as frames (Chinese headers), plus the hazards' found dates."""
    rng = np.random.default_rng(seed)
    dates = _as_dates if excel_dates else _iso
    units = build_units(rng, n_units)
    reviews = plan_reviews(rng, units, n_units)
    assign_tiers(rng, units, reviews, n_units)
    assign_demo_posts(rng, units, n_units)
    names, phones = set(), set()
    cadres = build_cadres(rng, names, phones)
    experts, conflicts = build_experts(rng, units, names, phones)
    picker = ExpertPicker(experts, conflicts)
    staff_reviews(rng, reviews, units, picker)
    key = _key_units(rng, units, n_units)
    visits = plan_visits(rng, units, reviews, cadres, picker, key, n_units)
    hazards, attached = plan_hazards(rng, units, visits, n_units)
    count_problems(rng, visits, attached, n_units)
    update_last_inspected(units, hazards, visits)
    tables = {
        "units": units_frame(units, dates),
        "hazards": hazards_frame(hazards, units, _iso),
        "departments": _frame(DEPARTMENTS, build_departments()),
        "cadres": _frame(CADRES, cadres),
        "experts": _frame(EXPERTS, experts),
        "visits": visits_frame(visits, units, experts, dates),
        "reviews": reviews_frame(reviews, units, experts, _iso),
    }
    return tables, hazards.day, rng


def generate(out_dir: Path, n_units: int = REFERENCE_UNITS, seed: int = 20230813,
             fmt: str = "mixed") -> list[Path]:
    """Write the demo ledgers into ``out_dir``; returns the files written.

    ``fmt="mixed"``: the bureau-like mix of .xlsx and .csv files (meant for modest sizes).
    ``fmt="csv"``: one UTF-8 CSV per ledger, fast enough for a million units.
    Files of ``out_dir`` that the generator does not write are left alone.
    """
    if fmt not in ("mixed", "csv"):
        raise ValueError(f"fmt must be 'mixed' or 'csv', not {fmt!r}")
    if n_units < 1:
        raise ValueError("n_units must be positive")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables, hazard_days, rng = build(n_units, seed, excel_dates=fmt == "mixed")
    if fmt == "csv":
        return _write_all_csv(out_dir, tables)
    return _write_mixed(out_dir, tables, hazard_days, rng)
