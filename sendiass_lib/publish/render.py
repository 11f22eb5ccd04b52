"""The one Jinja environment, with autoescape on: every value from data is escaped as it is placed;
HTML made here or by nbconvert passes as Markup. It renders the page chrome (head, banner, heading,
provenance) for every page, and the index pages; nbconvert places an appendix's outputs inside it."""

from __future__ import annotations

import subprocess
import threading
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from .. import __version__, config, periods

if TYPE_CHECKING:  # imported when a page is rendered, not when checking what is up to date
    import jinja2
    from markupsafe import Markup

    from ..availability import Appendix
    from ..groups import Group

TEMPLATES_DIR = config.PACKAGE_DIR / "templates"
TEMPLATE = "sendiass"


@cache
def environment() -> jinja2.Environment:
    """The Jinja environment for the templates in templates/sendiass/, autoescape on."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / TEMPLATE), autoescape=True)


def render(template: str, **context) -> str:
    """A template of templates/sendiass/ rendered with `context`."""
    return environment().get_template(template).render(**context)


def chrome_parts(page: dict) -> dict[str, Markup]:
    """The page chrome (page.j2's head, top and bottom) as markup, for nbconvert to place around a
    notebook's outputs (templates/sendiass/index.html.j2)."""
    macros = environment().get_template("page.j2").module
    return {"head": macros.head(page), "top": macros.top(page), "bottom": macros.bottom(page)}


def export_notebook(nb, page: dict) -> str:
    """An executed notebook's markdown and outputs, without code or prompts, as one offline page."""
    html, _ = _exporter().from_notebook_node(nb, resources={"sendiass": chrome_parts(page)})
    return html


_exporters = threading.local()


def _exporter():
    """nbconvert's exporter in the house template, one per thread (the pool's workers export at
    once): its templates are compiled once, not for every page (~0.2 s each time)."""
    if getattr(_exporters, "html", None) is None:
        from nbconvert import HTMLExporter

        _exporters.html = HTMLExporter(
            template_name=TEMPLATE,
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    return _exporters.html


def render_index(pages: list[Appendix], page: dict, report: bool = False) -> str:
    """The service-year index page linking to the report document (when there is one) and each appendix."""
    facts = dict(
        page,
        title=f"Report appendices: {page['service_name']}, {page['period_label']}",
        heading="Report appendices",
        up_link=None,
    )
    listing = [{"href": f"{a.name}.html", "title": a.title, "summary": a.summary} for a in pages]
    return render("listing.html.j2", page=facts, appendices=listing, report=report)


def render_report(page: dict, narrative: str, sections: list[dict], **parts) -> str:
    """The report document (publish/document.py): `narrative` and each section's blocks are markup
    made from the pages and the narrative engine, both escaped where they were made."""
    from markupsafe import Markup

    facts = dict(
        page,
        kind="report",
        title=f"Annual report: {page['service_name']}, {page['period_label']}",
    )
    return render("report.html.j2", page=facts, narrative=Markup(narrative), sections=sections, **parts)


def render_reports_index(services: list[dict], extracts: list[dict]) -> str:
    """The top-level index page: each service, its years with data and their appendices."""
    facts = {
        **chrome(extracts),
        "service_name": "All services",
        "period_label": "every reporting year with data",
        "title": "SENDIASS annual report appendices",
        "heading": "Annual report appendices",
        "up_link": None,
    }
    return render("reports.html.j2", page=facts, services=services)


def page_facts(service: str, year: int, extracts: list[dict]) -> dict:
    """What a service-year's pages say of it: the chrome, its name and period, internal or not."""
    from ..disclosure import rule

    svc = config.service(service)
    return {
        **chrome(extracts),
        "internal": not rule(svc).on,
        "service_name": svc.name,
        "period_label": periods.reporting_year(svc, year).long_label,
        "period_short": periods.reporting_year(svc, year).label,
    }


def group_facts(group: Group, year: int, loaded: dict[str, list[dict]]) -> dict:
    """What a group's report and index say of it: its name and period, its members, each member's
    extracts for the provenance; sample or internal when any member's pages are."""
    members = [page_facts(member, year, loaded[member]) for member in group.members]
    return {
        **chrome([x for member in group.members for x in loaded[member]]),
        "internal": any(facts["internal"] for facts in members),
        "service_name": group.name,
        "period_label": members[0]["period_label"],
        "period_short": members[0]["period_short"],
        "members": [facts["service_name"] for facts in members],
        "provenance": [(facts["service_name"], facts["extracts"]) for facts in members],
    }


def render_group_index(group: Group, page: dict, report: bool) -> str:
    """A group-year's index page: its joint report, and each member's own pages."""
    facts = dict(
        page,
        title=f"Joint report: {page['service_name']}, {page['period_label']}",
        heading="Joint report",
        up_link=None,
    )
    listing = [
        {"href": f"../{member}/index.html", "title": name, "summary": "its appendices, one page each"}
        for member, name in zip(group.members, page["members"], strict=True)
    ]
    return render("listing.html.j2", page=facts, appendices=listing, report=report)


def chrome(extracts: list[dict]) -> dict:
    """What every page's banner and footer say: sample or not, the extracts, when and by what."""
    from markupsafe import Markup

    css = _stylesheet()
    return {
        "sample": any(x["is_sample"] for x in extracts),
        "extracts": extracts,
        "built_at": datetime.now().strftime("%d %b %Y %H:%M"),
        "version": __version__,
        "commit": git_commit(),
        "css": Markup(css),  # the house stylesheet, as written
    }


@cache
def _stylesheet() -> str:
    """The house stylesheet (read once per process: every page and index holds it)."""
    return (TEMPLATES_DIR / TEMPLATE / "sendiass.css").read_text(encoding="utf-8")


@cache
def git_commit() -> str | None:
    """The checkout's short commit, for the provenance footer; None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=config.PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None
