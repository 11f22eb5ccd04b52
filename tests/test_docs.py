"""The docs are right about the library: every example runs and prints what its page says, every
library name they cite exists, every path they cite is there, every configuration example is one the
loader accepts, and every public metric function is listed in docs/api.md."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

from sendiass_lib import config, groups
from sendiass_lib import metrics as metrics_package

ROOT = Path(__file__).parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [*DOCS, ROOT / "README.md"]
API = ROOT / "docs" / "api.md"
METRICS = [info.name for info in pkgutil.iter_modules(metrics_package.__path__)]


def blocks(page: Path, language: str) -> list[str]:
    """The fenced code blocks of one language on a page."""
    return re.findall(rf"^```{language}\n(.*?)^```", page.read_text(encoding="utf-8"), re.M | re.S)


def resolve(name: str) -> object:
    """The object a dotted name in the docs means: `sendiass_lib.x.y`, or `x.y` for a module of
    the library or of its metrics (`periods.Period`, `mixes.levels`). Fails if there is none."""
    parts = name.split(".")
    if parts[0] == "sendiass_lib":
        parts = parts[1:]
    module = "sendiass_lib.metrics" if parts[0] in METRICS else "sendiass_lib"
    found = importlib.import_module(module)
    for part in parts:
        try:
            found = getattr(found, part)
        except AttributeError:
            found = importlib.import_module(f"{found.__name__}.{part}")  # a submodule not yet imported
    return found


@pytest.mark.parametrize("page", DOCS, ids=[p.name for p in DOCS])
def test_documented_examples_run_and_print_what_the_page_says(page, sample_db, monkeypatch):
    monkeypatch.setenv("SENDIASS_DB", str(sample_db))
    failures, tried = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert failures == 0, f"{page.name}: {failures} example(s) do not print what the page says"
    prompts = sum(block.count(">>> ") for block in blocks(page, "python"))
    assert tried >= prompts, f"{page.name}: {prompts - tried} example(s) were not run"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_python_example_without_prompts_runs(page, sample_db, monkeypatch):
    monkeypatch.setenv("SENDIASS_DB", str(sample_db))
    for code in blocks(page, "python"):
        if ">>> " not in code:
            exec(compile(code, f"{page.name} example", "exec"), {})


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_sendiass_lib_name_the_docs_cite_exists(page):
    text = page.read_text(encoding="utf-8")
    for name in sorted(set(re.findall(r"sendiass_lib(?:\.[A-Za-z_]\w*)+", text))):
        resolve(name)


def test_every_library_name_in_the_api_page_exists():
    # `x.y` in backticks on the library's page is a library name; only `con.` (the DuckDB
    # connection an example opened) is not.
    text = API.read_text(encoding="utf-8")
    names = set(re.findall(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)", text))
    assert len(names) > 50
    for name in sorted(n for n in names if not n.startswith("con.")):
        resolve(name)


def test_every_public_metric_function_is_listed_in_the_api_page():
    text = API.read_text(encoding="utf-8")
    missing = []
    for module in METRICS:
        found = importlib.import_module(f"sendiass_lib.metrics.{module}")
        for name, obj in vars(found).items():
            public = not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == found.__name__
            if public and f"`{module}.{name}`" not in text:
                missing.append(f"{module}.{name}")
    assert not missing, f"not in docs/api.md: {', '.join(missing)}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_package_path_the_docs_cite_exists(page):
    text = page.read_text(encoding="utf-8")
    # A path with a placeholder (mappings/<service>.yaml) names a file a service writes: not checked.
    for cited in sorted(set(re.findall(r"sendiass_lib/[\w./*-]*(?![\w./*<-])", text))):
        pattern = cited.rstrip(".")
        assert any(ROOT.glob(pattern)), f"{page.name}: {cited}"


@pytest.mark.parametrize("page", DOCS, ids=[p.name for p in DOCS])
def test_every_configuration_example_is_accepted_by_its_loader(page, services, tmp_path):
    from sendiass_lib.ingest import mapping

    for text in blocks(page, "yaml"):
        example = yaml.safe_load(text)
        if set(example) == {"name", "members"}:  # a group's file
            path = services / "groups" / "demo.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            read = groups.read_group_file(path)
            assert (read.name, list(read.members)) == (example["name"], example["members"])
        elif set(example) <= {"headers", "labels"}:  # a service's mapping file
            (services / "mappings").mkdir(exist_ok=True)
            (services / "mappings" / "worcs.yaml").write_text(text, encoding="utf-8")
            mapping.clear_cache()
            read = mapping.mapping("worcs")
            assert (read.headers, read.labels) == (example.get("headers", {}), example.get("labels", {}))
        else:  # part of a service file: each of its settings is read as written
            path = tmp_path / "demo.yaml"
            path.write_text(yaml.safe_dump({"name": "Demo SENDIASS", **example}), encoding="utf-8")
            service = config.read_service_file(path)
            for section, settings in example.items():
                read = getattr(service, section)
                assert {key: read[key] for key in settings} == settings, (page.name, section)


def test_the_connection_still_answers_sql_after_every_metric(sample_db):
    # DuckDB 2.0 refuses con.sql() while an earlier result is only partly fetched, so a metric that
    # stopped at fetchone() would break an analyst's next query in the explore notebook.
    from sendiass_lib import connect
    from sendiass_lib.metrics import (
        differences,
        digital,
        evaluations,
        figures,
        headline,
        involvements,
        mixes,
        quality,
        training,
        training_evaluations,
        tribunals,
        youtube,
    )

    with connect(sample_db) as con:
        calls = [
            lambda: involvements.monthly(con, "worcs", 2024),
            lambda: mixes.mixes(con, "worcs", "reasons", 2024),
            lambda: mixes.levels(con, "worcs", 2024),
            lambda: mixes.theme_trend(con, "worcs", "reasons", 2024),
            lambda: headline.key_figures(con, "bucks", 2021),
            lambda: evaluations.evaluations(con, "worcs", 2024),
            lambda: training.attendance(con, "worcs", 2024),
            lambda: training_evaluations.joint_evaluations(con, "worcs", 2024),
            lambda: digital.channels(con, "worcs", 2024),
            lambda: youtube.youtube_views(con, "worcs", 2024),
            lambda: figures.figures(con, "bucks", 2021),
            lambda: tribunals.avoidance_estimate(con, "worcs", 2024),
            lambda: quality.missing(con, "worcs", 2024),
            lambda: quality.unmapped(con, "worcs", 2024),
            lambda: quality.dropped_columns(con, "worcs"),
            lambda: differences.differences(con, "worcs", 2024),
        ]
        for call in calls:
            call()
            assert con.sql("SELECT 42").fetchall() == [(42,)]


def _classes() -> dict[str, list[type]]:
    """Every class the library defines, by name (two modules may define one of the same name)."""
    found: dict[str, list[type]] = {}
    for info in pkgutil.walk_packages(importlib.import_module("sendiass_lib").__path__, "sendiass_lib."):
        if info.name.endswith("__main__"):
            continue  # running it is the command itself
        for name, value in vars(importlib.import_module(info.name)).items():
            if isinstance(value, type) and value.__module__ == info.name:
                found.setdefault(name, []).append(value)
    return found


def _has(cls: type, attribute: str) -> bool:
    fields = {*getattr(cls, "__dataclass_fields__", ()), *getattr(cls, "_fields", ())}
    return hasattr(cls, attribute) or attribute in fields or attribute in getattr(cls, "__annotations__", {})


def test_every_place_the_methods_log_points_to_exists():
    # The assumptions log says where each assumption lives in the code ("*Where:* `module.name`");
    # a name that moved or was renamed leaves the log pointing nowhere.
    text = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    cited = {
        n
        for where in re.findall(r"\*Where:\*(.*?)(?:\n- |\n\n)", text, re.S)
        for n in re.findall(r"`([\w.]+)`", where)
    }
    classes, missing = _classes(), []
    for name in sorted(n for n in cited if "." in n):
        head, _, attribute = name.partition(".")
        if head in classes and "." not in attribute:
            if not any(_has(cls, attribute) for cls in classes[head]):
                missing.append(name)
            continue
        try:
            resolve(name)
        except (AttributeError, ModuleNotFoundError):
            missing.append(name)
    assert len(cited) > 50  # the log cites the code throughout
    assert not missing, f"docs/methods.md points to names that do not exist: {missing}"
