"""Small, valid ledger sets for tests, written with the contract's Chinese headers."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from pipeline.core.ledgers import BY_KEY
from pipeline.core.uscc import make_uscc


def uscc(n: int, prefix: str = "91") -> str:
    return make_uscc(prefix, "350503", f"MA{n:06d}")


def base_rows() -> dict[str, list[dict[str, str]]]:
    """Three units, two departments, two experts, three cadres and a few events."""
    return {
        "units": [
            {"单位编号": "FZ000001", "统一社会信用代码": uscc(1), "单位名称": "泉州市丰泽区甲鞋服有限公司",
             "监管类别": "工贸企业", "行业": "鞋服", "所属街道": "东海街道", "地址": "东海街道1号",
             "从业人数": "120", "风险特征": "粉尘涉爆、自建厂房", "标准化等级": "三级", "创建类别": "标杆",
             "示范岗位数": "5", "近三年事故起数": "1", "最近检查日期": "2023-05-01", "经营状态": "在营"},
            {"单位编号": "FZ000002", "统一社会信用代码": uscc(2, "12"), "单位名称": "丰泽区乙小学",
             "监管类别": "学校", "行业": "", "所属街道": "东湖街道", "地址": "", "从业人数": "80",
             "风险特征": "人员密集", "标准化等级": "", "创建类别": "", "示范岗位数": "",
             "近三年事故起数": "", "最近检查日期": "", "经营状态": "在营"},
            {"单位编号": "FZ000003", "统一社会信用代码": "", "单位名称": "丙项目（一期）",
             "监管类别": "在建施工项目", "行业": "房屋建筑", "所属街道": "北峰", "地址": "",
             "从业人数": "200", "风险特征": "", "标准化等级": "", "创建类别": "", "示范岗位数": "0",
             "近三年事故起数": "0", "最近检查日期": "2023/8/1", "经营状态": "停产"},
        ],
        "departments": [
            {"单位名称": "区应急管理局", "职责领域": "工贸企业", "是否参与帮扶": "否"},
            {"单位名称": "区住建局", "职责领域": "在建施工项目、自建厂房", "是否参与帮扶": "是"},
        ],
        "experts": [
            {"专家编号": "ZJ001", "姓名": "陈一", "专业领域": "工贸、消防安全", "工作单位": "某安全咨询公司",
             "手机号码": "13800000001", "驻局专家": "是", "每周服务上限": "3"},
            {"专家编号": "ZJ002", "姓名": "林二", "专业领域": "建筑工程", "工作单位": "某设计院",
             "手机号码": "13800000002", "驻局专家": "否", "每周服务上限": "2"},
        ],
        "cadres": [
            {"工号": "YJ001", "姓名": "黄三", "所属单位": "区应急管理局", "职务": "科长",
             "手机号码": "13900000001", "执法证号": "35050320230001", "帮扶工作队": "否"},
            {"工号": "BF001", "姓名": "张四", "所属单位": "区住建局", "职务": "科员",
             "手机号码": "13900000002", "执法证号": "", "帮扶工作队": "是"},
        ],
        "hazards": [
            {"隐患编号": "YH0001", "单位编号": "FZ000001", "发现日期": "2023-08-01", "隐患级别": "重大隐患",
             "隐患类别": "粉尘", "隐患描述": "除尘系统未接地", "整改期限": "2023-08-10",
             "整改完成日期": "", "发现途径": "执法检查"},
            {"隐患编号": "YH0002", "单位编号": "FZ000002", "发现日期": "2023-07-01", "隐患级别": "一般",
             "隐患类别": "消防", "隐患描述": "通道堵塞", "整改期限": "2023-07-15",
             "整改完成日期": "2023-07-10", "发现途径": "专家指导"},
        ],
        "visits": [
            {"记录编号": "FW0001", "服务日期": "2023-08-02", "单位编号": "FZ000001", "干部工号": "YJ001",
             "专家编号": "ZJ001、ZJ002", "服务方式": "专家指导", "发现问题数": "3", "解决问题数": "2"},
        ],
        "reviews": [
            {"评审编号": "PS0001", "单位编号": "FZ000001", "评审日期": "2023-08-03",
             "评审类型": "小微企业不定级评审", "评审结果": "通过", "评审专家": "ZJ001",
             "观摩企业数": "4"},
        ],
    }


def headers(key: str) -> list[str]:
    return [c.header for c in BY_KEY[key].columns]


def write_csv(path: Path, key: str, rows: list[dict], encoding: str = "utf-8",
              above: list[list[str]] = (), below: list[list[str]] = ()) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerows(above)
        writer.writerow(headers(key))
        writer.writerows([[r.get(h, "") for h in headers(key)] for r in rows])
        writer.writerows(below)
    return path


def write_xlsx(path: Path, key: str, rows: list[dict], above: list[list] = (),
               below: list[list] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in above:
        ws.append(row)
    ws.append(headers(key))
    for r in rows:
        ws.append([r.get(h, "") for h in headers(key)])
    for row in below:
        ws.append(row)
    wb.save(path)
    return path


def write_ledgers(raw: Path, rows: dict[str, list[dict]] | None = None) -> Path:
    """Every ledger as a UTF-8 CSV named by its key."""
    raw.mkdir(parents=True, exist_ok=True)
    for key, ledger_rows in (rows or base_rows()).items():
        write_csv(raw / f"{key}.csv", key, ledger_rows)
    return raw
