"""The campaign's timeline (专项行动阶段): the configuration section and the phase of a date."""

import datetime as dt

import numpy as np
import pytest

from pipeline.core.campaign import phase_of_week, phase_on, phases
from pipeline.core.config import BangfuConfig, Campaign, ConfigError, load_config, validate_config

CONFIG = load_config()
PHASES = CONFIG.campaign.phases


def test_the_file_states_the_four_phases_of_the_2023_campaign():
    assert CONFIG.campaign.name == "重大事故隐患专项排查整治2023行动"
    assert [p.name for p in PHASES] == ["动员部署", "企业自查自改和部门帮扶", "部门精准执法", "总结提高"]
    assert (PHASES[0].start, PHASES[-1].end) == ("2023-04-27", "2023-12-31")
    # contiguous: each phase starts the day after the previous one ends
    for before, after in zip(PHASES, PHASES[1:], strict=False):
        assert dt.date.fromisoformat(after.start) - dt.date.fromisoformat(before.end) == dt.timedelta(days=1)
    # the 8 subdistricts are assistance targets from the campaign's second phase on
    assert [p.subdistricts_as_targets for p in PHASES] == [False, True, True, True]


@pytest.mark.parametrize("day, number, name", [
    ("2023-04-26", None, None),                       # before the campaign
    ("2023-04-27", 1, "动员部署"),                    # first day included
    ("2023-04-30", 1, "动员部署"),                    # last day included
    ("2023-05-01", 2, "企业自查自改和部门帮扶"),
    ("2023-06-30", 2, "企业自查自改和部门帮扶"),
    ("2023-07-01", 3, "部门精准执法"),
    ("2023-08-13", 3, "部门精准执法"),                # the demo week 2023-W32 ends here
    ("2023-12-31", 4, "总结提高"),
    ("2024-01-01", None, None),                       # after it
])
def test_phase_on_a_date(day, number, name):
    phase = phase_on(day, PHASES)
    if number is None:
        assert phase is None
    else:
        assert (phase.number, phase.name) == (number, name)
        assert phase.start <= dt.date.fromisoformat(day) <= phase.end


def test_phase_on_accepts_dates_datetimes_and_iso_text():
    d = dt.date(2023, 5, 15)
    assert phase_on(d, PHASES) == phase_on(dt.datetime(2023, 5, 15, 23, 59), PHASES) \
        == phase_on("2023-05-15", PHASES)
    assert phase_on(d, PHASES).label == "第二阶段（企业自查自改和部门帮扶）"
    assert phase_on(d, PHASES).subdistricts_as_targets


def test_a_week_takes_the_phase_of_its_last_day():
    # 2023-W26 runs from Monday 26 June to Sunday 2 July: it straddles two phases
    assert phase_on("2023-06-26", PHASES).name == "企业自查自改和部门帮扶"
    assert phase_of_week("2023-07-02", PHASES).name == "部门精准执法"
    assert phase_of_week(dt.date(2023, 4, 23), PHASES) is None


def test_phases_are_numbered_in_the_configured_order():
    numbered = phases(PHASES)
    assert [p.number for p in numbered] == [1, 2, 3, 4]
    assert all(isinstance(p.start, dt.date) and p.start <= p.end for p in numbered)
    assert phase_on("2023-05-01", []) is None


def test_the_demo_follows_the_configured_timeline():
    from demo.common import CAMPAIGN_PHASES, phase_index
    assert [(name, str(first), str(last)) for name, first, last in CAMPAIGN_PHASES] == \
        [(p.name, p.start, p.end) for p in PHASES]
    days = np.array(["2023-04-26", "2023-05-01", "2023-08-13"], dtype="datetime64[D]")
    assert phase_index(days).tolist() == [-1, 1, 2]


def campaign(**change):
    data = CONFIG.model_dump(mode="json")
    data["campaign"] = {**data["campaign"], **change}
    return data


def test_the_section_is_validated():
    phases_ = CONFIG.model_dump(mode="json")["campaign"]["phases"]
    with pytest.raises(ConfigError, match="campaign.phases.*2023-13-01"):
        validate_config(campaign(phases=[{**phases_[0], "start": "2023-13-01"}]))
    with pytest.raises(ConfigError, match="早于开始日期"):
        validate_config(campaign(phases=[{**phases_[0], "start": "2023-05-01", "end": "2023-04-01"}]))
    with pytest.raises(ConfigError, match="不重叠"):
        validate_config(campaign(phases=[phases_[1], phases_[0]]))
    with pytest.raises(ConfigError, match="重复"):
        validate_config(campaign(phases=[phases_[0], {**phases_[1], "name": "动员部署"}]))
    with pytest.raises(ConfigError, match="campaign.phases"):
        validate_config(campaign(phases=[]))
    with pytest.raises(ConfigError, match="subdistricts_as_targets"):
        validate_config(campaign(phases=[{k: v for k, v in phases_[0].items() if k != "subdistricts_as_targets"}]))
    with pytest.raises(ConfigError, match="zzz"):
        validate_config(campaign(zzz=1))
    data = CONFIG.model_dump(mode="json")
    del data["campaign"]
    with pytest.raises(ConfigError, match="campaign"):
        validate_config(data)


def test_unquoted_yaml_dates_are_read_as_dates(tmp_path):
    text = (load_config.__defaults__[0]).read_text(encoding="utf-8").replace('"2023-05-01"', "2023-05-01")
    path = tmp_path / "bangfu.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path).campaign == CONFIG.campaign


def test_a_run_can_override_the_timeline():
    shifted = Campaign(name="测试", phases=[{**PHASES[2].model_dump(), "start": "2023-08-01"}])
    effective = BangfuConfig(campaign=shifted).over(CONFIG)
    assert effective.targets == CONFIG.targets
    assert phase_on("2023-07-15", effective.campaign.phases) is None
    assert phase_on("2023-08-13", effective.campaign.phases).name == "部门精准执法"
