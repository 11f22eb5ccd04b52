"""The publish package: one Jinja environment with autoescape on for every page it renders, and
modules that import on their own, none of them pulling Jupyter or Jinja in to check what is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sendiass_lib import config, publish
from sendiass_lib.availability import Appendix
from sendiass_lib.publish import render

SCRIPT = "<script>alert(1)</script>"
MODULES = sorted(p.stem for p in (config.PACKAGE_DIR / "publish").glob("*.py") if p.stem != "__init__")


def test_one_environment_with_autoescape_renders_every_page():
    assert render.environment() is render.environment()
    assert render.environment().autoescape is True
    code = config.PACKAGE_DIR.rglob("*.py")
    makers = [path for path in code if "jinja2.Environment(" in path.read_text(encoding="utf-8")]
    assert makers == [config.PACKAGE_DIR / "publish" / "render.py"]


def test_a_title_with_a_script_is_escaped_on_the_index_page():
    appendix = Appendix("involvements", Path("involvements.ipynb"), f"New {SCRIPT}", "A <b>summary</b>", 1)
    html = publish.render_index([appendix], publish.page_facts("worcs", 2024, []))
    assert SCRIPT not in html and "<b>" not in html
    assert "New &lt;script&gt;alert(1)&lt;/script&gt;" in html and "A &lt;b&gt;summary&lt;/b&gt;" in html


def test_data_values_on_the_top_index_are_escaped_once_and_the_stylesheet_not_at_all():
    services = [{"name": f"Service {SCRIPT} & co", "years": []}]
    extract = {"file_name": f"{SCRIPT}.csv", "sha256": "0" * 64, "rows_loaded": 1, "rows_rejected": 0}
    html = publish.render_reports_index(services, [{**extract, "is_sample": False}])
    assert SCRIPT not in html
    assert "Service &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html  # not &amp;lt;
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in html
    css = (render.TEMPLATES_DIR / render.TEMPLATE / "sendiass.css").read_text(encoding="utf-8")
    assert css in html


@pytest.mark.parametrize("module", MODULES)
def test_each_publish_module_imports_on_its_own_without_jupyter_or_jinja(module):
    heavy = ("jinja2", "nbconvert", "nbformat", "papermill", "jupyter_client", "polars")
    code = (
        f"import sys, sendiass_lib.publish.{module}\n"
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""  # loaded only when a page is rendered
