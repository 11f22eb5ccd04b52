"""Service files are checked against a strict schema: each mistake is one line naming the file, the key
(dotted path) and what is allowed, and a command stops on it with exit 2."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sendiass_lib import config, disclosure
from sendiass_lib.service_schema import DisclosureSettings, reference_table

SHIPPED = sorted(config.SERVICES_DIR.glob("*.yaml"))
WORCS = (config.SERVICES_DIR / "worcs.yaml").read_text(encoding="utf-8")
RULE = """\
disclosure:
  suppress_below: 5
  min_percent_base: 10
  client_count_units: [count, cases, clients, families]
"""


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """worcs.yaml with one edit, in a folder of its own."""
    assert old in WORCS, f"the edit must change the file: {old!r}"
    folder = tmp_path / "services"
    folder.mkdir(exist_ok=True)
    path = folder / "worcs.yaml"
    path.write_text(WORCS.replace(old, new, 1), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    """The message reading the file gets: it must be one line and name the file."""
    with pytest.raises(config.ServiceFileError) as caught:
        config.read_service_file(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: "), message
    return message


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_each_shipped_service_file_follows_the_schema(path):
    assert config.read_service_file(path).slug == path.stem


def test_the_shipped_settings_reach_the_library_as_before():
    bucks, worcs = config.service("bucks"), config.service("worcs")
    assert (bucks.reporting_year, bucks.evaluation_scale, bucks.reports_from) == ("02-24", (0, 10), 2019)
    assert bucks.fte_advisers == {2019: 3.0, 2020: 2.3, 2021: 2.3}
    assert bucks.tribunal_estimate is None
    assert worcs.tribunal_estimate["share_of_involvements"] == 0.10
    assert worcs.tribunal_estimate["cost_per_tribunal_gbp"] == 8500
    assert disclosure.rule(worcs) == disclosure.Rule(True, 5, 10)


@pytest.mark.parametrize(
    ("old", "new", "key", "valid", "meant"),
    [
        (
            "evaluation_scale:",
            "evalution_scale:",
            "evalution_scale",
            "valid keys: slug, name, area",
            "evaluation_scale",
        ),
        (
            "suppress_below:",
            "supress_below:",
            "disclosure.supress_below",
            "valid keys under disclosure",
            "suppress_below",
        ),
        (
            "  source:",
            "  sources:",
            "tribunal_estimate.sources",
            "valid keys under tribunal_estimate",
            "source",
        ),
        (
            "area: Worcestershire\n",
            "area: Worcestershire\nstaffing:\n  fte_adviser: {2024: 3}\n",
            "staffing.fte_adviser",
            "valid keys under staffing: fte_advisers",
            "fte_advisers",
        ),
    ],
    ids=["top", "disclosure", "tribunal_estimate", "staffing"],
)
def test_an_unknown_key_at_any_level_is_refused_listing_the_valid_keys(tmp_path, old, new, key, valid, meant):
    message = refusal(edited(tmp_path, old, new))
    assert f": {key}: unknown key; {valid}" in message
    assert message.endswith(f"(did you mean '{meant}'?)")


def test_a_misspelt_disclosure_setting_no_longer_falls_back_to_the_default(tmp_path):
    message = refusal(edited(tmp_path, "min_percent_base: 10", "min_percent_bas: 20"))
    assert "disclosure.min_percent_bas: unknown key" in message
    assert "suppress_below, min_percent_base, client_count_units" in message


@pytest.mark.parametrize("rule", ["finacial", "13-01", "02-30", "1 April", "'2024-04-01'"])
def test_a_bad_reporting_year_is_refused_naming_the_valid_rules(tmp_path, rule):
    message = refusal(edited(tmp_path, "reporting_year: calendar", f"reporting_year: {rule}"))
    assert ": reporting_year: got '" in message
    assert "allowed: calendar (1 Jan), financial (1 Apr), academic (1 Sep), or a start day 'MM-DD'" in message


def test_a_near_miss_reporting_year_says_what_was_meant(tmp_path):
    message = refusal(edited(tmp_path, "reporting_year: calendar", "reporting_year: finacial"))
    assert message.endswith("(did you mean 'financial'?)")


@pytest.mark.parametrize(
    "scale", ["[4, 1]", "[1, 1]", "[1]", "[1, 4, 5]", "[1, '4']", "[1.5, 4]", "'1-4'", "[true, 4]"]
)
def test_an_evaluation_scale_that_is_not_two_whole_numbers_low_then_high_is_refused(tmp_path, scale):
    message = refusal(edited(tmp_path, "evaluation_scale: [1, 4]", f"evaluation_scale: {scale}"))
    assert ": evaluation_scale: got " in message
    assert "allowed: [lowest, highest] with lowest < highest" in message


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        ("name: Worcestershire SENDIASS", "name: 2024", "name", "got 2024, should be text"),
        (
            "area: Worcestershire\n",
            "area: Worcestershire\nreports_from: '2019'\n",
            "reports_from",
            "got '2019', should be a whole number",
        ),
        (
            "area: Worcestershire\n",
            "area: Worcestershire\nstaffing:\n  fte_advisers: {2024: '3.5'}\n",
            "staffing.fte_advisers.2024",
            "got '3.5', should be a number",
        ),
        (
            "area: Worcestershire\n",
            "area: Worcestershire\nstaffing:\n  fte_advisers: {'2024': 3.5}\n",
            "staffing.fte_advisers",
            "got key '2024', should be a whole number",
        ),
        (
            "area: Worcestershire\n",
            "area: Worcestershire\nstaffing: 3.5\n",
            "staffing",
            "got 3.5, should be a mapping",
        ),
        (
            "suppress_below: 5",
            "suppress_below: five",
            "disclosure.suppress_below",
            "got 'five', should be a whole number",
        ),
        (
            "suppress_below: 5",
            "suppress_below: 0",
            "disclosure.suppress_below",
            "got 0, should be greater than",
        ),
        (
            "[count, cases, clients, families]",
            "count",
            "disclosure.client_count_units",
            "got 'count', should be a list",
        ),
        (
            "share_of_involvements: 0.10",
            "share_of_involvements: 10",
            "tribunal_estimate.share_of_involvements",
            "got 10, should be less than or equal to 1",
        ),
        (
            "cost_per_tribunal_gbp: 8500",
            "cost_per_tribunal_gbp: '£8,500'",
            "tribunal_estimate.cost_per_tribunal_gbp",
            "got '£8,500', should be a number",
        ),
    ],
    ids=[
        "name",
        "reports_from",
        "fte",
        "fte-year",
        "staffing",
        "suppress",
        "suppress-0",
        "units",
        "share",
        "cost",
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_saying_what_is_allowed(tmp_path, old, new, key, reason):
    message = refusal(edited(tmp_path, old, new))
    assert f": {key}: {reason}" in message
    assert "; allowed: " in message


def test_a_required_key_left_out_is_named(tmp_path):
    message = refusal(edited(tmp_path, "name: Worcestershire SENDIASS\n", ""))
    assert ": name: missing" in message


def test_a_slug_that_is_not_the_file_name_is_refused(tmp_path):
    message = refusal(edited(tmp_path, "slug: worcs", "slug: worc"))
    assert ": slug: got 'worc', which must match the file name; allowed: 'worcs'" in message


def test_a_file_that_is_not_yaml_settings_is_refused_in_one_line(tmp_path):
    assert "not valid YAML at line" in refusal(
        edited(tmp_path, "area: Worcestershire", "area: [Worcestershire")
    )
    folder = tmp_path / "services"
    (folder / "worcs.yaml").write_text("- a list\n- not settings\n", encoding="utf-8")
    assert "should hold settings as `key: value` lines" in refusal(folder / "worcs.yaml")


@pytest.mark.parametrize("off", ["off", "'off'", "false"])
def test_disclosure_off_stays_valid_and_turns_the_rule_off(tmp_path, off):
    service = config.read_service_file(edited(tmp_path, RULE, f"disclosure: {off}\n"))
    assert disclosure.rule(service).on is False


def test_disclosure_that_is_neither_settings_nor_off_is_refused(tmp_path):
    message = refusal(edited(tmp_path, RULE, "disclosure: of\n"))
    assert ": disclosure: got 'of', not a rule; allowed: a mapping with the keys suppress_below" in message
    assert "or off, for internal builds only" in message


def test_disclosure_left_out_is_the_default_rule(tmp_path):
    service = config.read_service_file(edited(tmp_path, RULE, ""))
    assert disclosure.rule(service) == disclosure.Rule()


def test_the_default_rule_is_the_schemas_default():
    defaults = DisclosureSettings()
    rule = disclosure.Rule()
    assert (rule.below, rule.min_base) == (defaults.suppress_below, defaults.min_percent_base)
    assert rule.units == frozenset(defaults.client_count_units)


def test_only_top_level_yaml_files_are_services_and_a_mappings_subfolder_is_left_alone(tmp_path, monkeypatch):
    folder = tmp_path / "services"
    shutil.copytree(config.SERVICES_DIR, folder, ignore=shutil.ignore_patterns("mappings"))
    (folder / "mappings").mkdir()
    (folder / "mappings" / "worcs.yaml").write_text("reasons:\n  Tribunal prep: Tribunal\n", encoding="utf-8")
    monkeypatch.setattr(config, "SERVICES_DIR", folder)
    config.services.cache_clear()
    try:
        assert sorted(config.services()) == ["bucks", "herefs", "worcs"]
    finally:
        config.services.cache_clear()


def test_the_readme_table_of_service_file_keys_is_the_schemas():
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"<!-- service-file keys:[^\n]*-->\n(.*?)\n<!-- end of service-file keys -->", readme, re.S
    )
    assert found, "README.md has no table of service-file keys between its markers"
    assert found.group(1) == reference_table(), (
        "README.md's table of service-file keys differs from the schema; paste the output of\n"
        "python -c 'from sendiass_lib.service_schema import reference_table; print(reference_table())'"
    )


@pytest.mark.parametrize(
    "command", [["data", "--source", "sample"], ["report", "--service", "worcs", "--year", "2024"]]
)
def test_a_command_stops_on_a_misspelt_key_with_one_line_and_exit_2(tmp_path, command):
    path = edited(tmp_path, "suppress_below:", "supress_below:")
    env = {**os.environ, "SENDIASS_SERVICES_DIR": str(path.parent), "SENDIASS_DB": str(tmp_path / "x.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "sendiass_lib.cli", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"sendiass: {path}: disclosure.supress_below: unknown key; valid keys under disclosure: "
        "suppress_below, min_percent_base, client_count_units, protection_width, rating_counts "
        "(did you mean 'suppress_below'?)\n"
    )
    assert not (tmp_path / "x.duckdb").exists()


def test_make_report_stops_at_the_data_step_naming_the_file_and_key(tmp_path):
    path = edited(tmp_path, "reporting_year: calendar", "reporting_year: finacial")
    env = {**os.environ, "SENDIASS_SERVICES_DIR": str(path.parent)}
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "report",
            "YEAR=2024",
            "COUNTY=worcs",
            f"DB={tmp_path / 'x.duckdb'}",
        ],
        cwd=config.PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert f"sendiass: {path}: reporting_year: got 'finacial', not a reporting year rule" in done.stderr
