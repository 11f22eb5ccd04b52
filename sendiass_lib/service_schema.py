"""The schema of a service file (sendiass_lib/services/<slug>.yaml), read by load().

Every key is declared with its kind, default and allowed values: an unknown key, a misspelt setting or
a value of the wrong kind is refused naming the file, the key (dotted path) and what is allowed (the
one-line messages are worded in service_file_messages), and the README's table of keys is made from
the same declarations (reference_table()).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from .service_file_messages import allowed, brief, did_you_mean, problem, section_of

NAMED_STARTS = {"calendar": (1, 1), "financial": (4, 1), "academic": (9, 1)}


def parse_start(rule: str, what: str = "reporting_year") -> tuple[int, int]:
    """(month, day) a reporting year starts on, from 'calendar', 'financial', 'academic' or 'MM-DD';
    `what` names the setting in the error a bad rule gets."""
    if rule in NAMED_STARTS:
        return NAMED_STARTS[rule]
    try:
        month, day = (int(part) for part in rule.split("-"))
        date(2001, month, day)  # a non-leap year: 29 Feb is not a usable start
    except ValueError:
        valid = ", ".join([*NAMED_STARTS, "MM-DD"])
        raise ValueError(f"bad {what} '{rule}'; valid: {valid}") from None
    return month, day


class ServiceFileError(ValueError):
    """A service file that breaks the schema: one line naming the file, the key and what is allowed."""


def _setting(default: Any, meaning: str, kind: str, allowed: str = "", shown: str = "", **limits: Any) -> Any:
    """A key: its default, what it means, its kind of value and the values allowed (for messages and
    the README), and `shown`, the default in words when the value itself would not say it."""
    extra = {"kind": kind, "allowed": allowed, "shown_default": shown}
    return Field(default, description=meaning, json_schema_extra=extra, **limits)


class _Section(BaseModel):
    """A mapping in a service file: unknown keys are refused, and text is never read as a number."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Number = Annotated[float, Strict()]  # a whole or decimal number; not text, not true/false


class DisclosureSettings(_Section):
    """`disclosure:`, the small-number rule applied before anything is published (disclosure.py)."""

    suppress_below: StrictInt = _setting(
        5, "counts of people from 1 to this less one are shown as [c]", "whole number", "1 or more", ge=1
    )
    min_percent_base: StrictInt = _setting(
        10, "no percentage is shown on a base under this", "whole number", "0 or more", ge=0
    )
    client_count_units: list[StrictStr] = _setting(
        ["count", "cases", "clients", "families"],
        "service figures (the `figures` extract) in these units count clients, and are suppressed too",
        "list of text",
        "units as written in the figures extract",
    )
    protection_width: StrictInt | None = _setting(
        None,
        "a hidden count is protected when the smallest and largest values a reader can work out "
        "for it from everything published are at least this far apart (docs/publishing.md)",
        "whole number",
        "1 or more; default: suppress_below less one (a reader cannot tell a 1 from a 5)",
        ge=1,
    )
    rating_counts: Literal["suppressed", "shown"] = _setting(
        "shown",
        "evaluation ratings given by 1 to suppress_below less one people on anonymous forms: shown, as "
        "the printed reports do (shown), or their percentages hidden as [c] with whatever would give "
        "them back (suppressed); docs/publishing.md says why shown is the default",
        "text",
        "suppressed or shown",
    )


class StaffingSettings(_Section):
    """`staffing:`, the service's staff by reporting year."""

    fte_advisers: dict[StrictInt, Annotated[Number, Field(gt=0)]] = _setting(
        {},
        "FTE advisers by YEAR, for open cases per FTE adviser on the headline page",
        "mapping",
        "YEAR: a number above 0, e.g. {2023: 4.0, 2024: 4.5}",
        "none",
    )


class TribunalEstimateSettings(_Section):
    """`tribunal_estimate:`, the service's assumptions for tribunals avoided (metrics/tribunals.py)."""

    share_of_involvements: Annotated[Number, Field(gt=0, le=1)] = _setting(
        ...,
        "share of new involvements assumed to avoid a SEND tribunal",
        "number",
        "above 0, at most 1 (0.10 is 10%)",
    )
    cost_per_tribunal_gbp: Annotated[Number, Field(ge=0, allow_inf_nan=False)] = _setting(
        ..., "cost of one tribunal, in pounds", "number", "0 or more"
    )
    source: StrictStr | None = _setting(
        None, "where the two assumptions come from; printed with them", "text", "any text"
    )


def _disclosure_form(value: Any) -> str | None:
    """Which form a `disclosure:` value takes: settings, or off (YAML reads a bare `off` as false)."""
    if value is False or value == "off":
        return "off"
    return "settings" if isinstance(value, dict) else None


Disclosure = Annotated[
    Annotated[DisclosureSettings, Tag("settings")] | Annotated[Literal["off", False], Tag("off")],
    Discriminator(_disclosure_form, custom_error_type="disclosure", custom_error_message="not a rule"),
]
UNION_TAGS = {"disclosure": ("settings", "off")}  # pydantic puts these in an error's location


class ServiceFile(_Section):
    """A service file as written (config.Service is what the library uses)."""

    slug: StrictStr | None = _setting(
        None,
        "the service's short name, used in commands and folders",
        "text",
        "the file name without .yaml",
        "the file name",
    )
    name: StrictStr = _setting(
        ..., "the service's name, as pages print it", "text", "any text, not empty", min_length=1
    )
    area: StrictStr | None = _setting(
        None, "the area it serves, as pages print it", "text", "any text, not empty", "the name", min_length=1
    )
    reporting_year: StrictStr = _setting(
        "calendar",
        "the day its reporting year starts; YEAR in `make report` is the year it starts in",
        "text",
        "calendar (1 Jan), financial (1 Apr), academic (1 Sep), or a start day 'MM-DD' such as '02-24'",
    )
    evaluation_scale: tuple[int, int] = _setting(
        (1, 4),
        "the lowest and highest rating on its evaluation forms",
        "two whole numbers",
        "[lowest, highest] with lowest < highest, e.g. [1, 4] or [0, 10]",
    )
    reports_from: StrictInt | None = _setting(
        None,
        "the first YEAR with a report; records opened earlier are cases carried into it",
        "whole number",
        "a YEAR, e.g. 2019",
        "none: every year with data",
    )
    joint_channels: list[StrictStr] = _setting(
        [],
        "digital channels it shares with another service: native downloads for them get scope joint",
        "list of text",
        "channel names as the digital appendix names them, e.g. [Website, Facebook, YouTube]",
        "none: every download is the service's own",
    )
    staffing: StaffingSettings | None = _setting(None, "its staff by year", "mapping", shown="none")
    disclosure: Disclosure | None = _setting(
        None,
        "the small-number rule for published pages (docs/publishing.md)",
        "mapping, or off",
        "or off, for internal builds only (every page then says so)",
        "the defaults of its keys",
    )
    tribunal_estimate: TribunalEstimateSettings | None = _setting(
        None, "its assumptions for the tribunals-avoided estimate", "mapping", shown="none: no estimate"
    )

    @field_validator("reporting_year")
    @classmethod
    def _a_known_rule(cls, value: str) -> str:
        try:
            parse_start(value)
        except ValueError:
            hint = {"hint": did_you_mean(value, NAMED_STARTS)}
            raise PydanticCustomError("period", "not a reporting year rule", hint) from None
        return value

    @field_validator("evaluation_scale", mode="before")
    @classmethod
    def _two_whole_numbers_lowest_first(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple) or len(value) != 2 or not all(_whole(v) for v in value):
            raise PydanticCustomError("scale", "not two whole numbers")
        if value[0] >= value[1]:
            raise PydanticCustomError("scale", "the lowest rating must come first, below the highest")
        return tuple(value)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def load(path: Path, shown: Path | str) -> ServiceFile:
    """The settings in the file at `path`, or a ServiceFileError whose message starts with `shown`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        cause = getattr(exc, "problem", None) or exc
        raise ServiceFileError(f"{shown}: not valid YAML{line}: {cause}") from None
    if not isinstance(raw, dict):
        raise ServiceFileError(f"{shown}: should hold settings as `key: value` lines, got {brief(raw)}")
    try:
        settings = ServiceFile.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        more = f" (and {len(errors) - 1} more problem(s) in the file)" if len(errors) > 1 else ""
        raise ServiceFileError(f"{shown}: {problem(raw, errors[0], ServiceFile, UNION_TAGS)}{more}") from None
    if settings.slug not in (None, path.stem):
        raise ServiceFileError(
            f"{shown}: slug: got {settings.slug!r}, which must match the file name; allowed: '{path.stem}'"
        )
    return settings


def reference_table() -> str:
    """Every key of a service file as a Markdown table: the README's, which a test keeps equal to it."""
    lines = ["| Key | Type | Default | Allowed | Meaning |", "|---|---|---|---|---|"]

    def rows(section: type[BaseModel], prefix: str) -> None:
        for name, setting in section.model_fields.items():
            extra = setting.json_schema_extra or {}
            default = (
                "required" if setting.is_required() else extra["shown_default"] or _flow(setting.default)
            )
            cells = [f"`{prefix}{name}`", extra["kind"], default, allowed(setting), setting.description]
            lines.append("| " + " | ".join(cells) + " |")
            if (inner := section_of(setting.annotation)) is not None:
                rows(inner, f"{prefix}{name}.")

    rows(ServiceFile, "")
    return "\n".join(lines)


def _flow(value: Any) -> str:
    """A default as it would be written in the file: [1, 4], calendar."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return "none" if value is None else str(value)
