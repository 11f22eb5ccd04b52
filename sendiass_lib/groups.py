"""Groups of services that report together (Herefordshire and Worcestershire publish one joint
report): one file each in the service files' groups/ folder, e.g. groups/hw.yaml

    name: Herefordshire & Worcestershire SENDIASS
    members: [herefs, worcs]

The file's name is the group's slug, used as a service's is (`sendiass report --service hw`). A file
is checked as it is read: an unknown key, a member that is no service (the message names the valid
ones), or members that do not share a reporting year stop the command with one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from . import config

KEYS = ("name", "members", "slug")


class GroupFileError(config.ServiceFileError):
    """A group file that cannot be used: one line naming the file, the key and what is allowed."""


@dataclass(frozen=True)
class Group:
    """Services reporting together: the group's slug and name, and its members in report order."""

    slug: str
    name: str
    members: tuple[str, ...]


def groups_dir() -> Path:
    return config.SERVICES_DIR / "groups"


def groups() -> dict[str, Group]:
    """Every group, by slug, from the *.yaml files in the service files' groups/ folder."""
    folder = groups_dir()
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return {path.stem: read_group_file(path) for path in paths}


def group(slug: str) -> Group | None:
    """The group with this slug, or None when it is not a group (a service's slug, or unknown)."""
    return groups().get(slug)


def members(slug: str) -> tuple[str, ...]:
    """A group's members; a service's own slug for a service (its report is of itself alone)."""
    found = group(slug)
    return found.members if found else (config.service(slug).slug,)


def check_slug(slug: str) -> None:
    """Refuse a slug that is neither a service nor a group, naming both kinds there are."""
    if slug in config.services() or group(slug):
        return
    known = ", ".join(sorted(config.services()))
    named = ", ".join(sorted(groups())) or "none"
    message = f"unknown service '{slug}'; valid: {known}; groups (a joint report): {named}"
    raise config.UnknownServiceError(message)


def read_group_file(path: Path) -> Group:
    """The group a file describes, or a GroupFileError naming the file and what is wrong."""
    shown = config._shown(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise GroupFileError(f"{shown}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(raw, dict):
        raise GroupFileError(f"{shown}: should hold `name:` and `members:` lines")
    for key in raw:
        if key not in KEYS:
            raise GroupFileError(f"{shown}: {key}: unknown key; valid keys: {', '.join(KEYS)}")
    name, listed = raw.get("name"), raw.get("members")
    if not isinstance(name, str) or not name.strip():
        raise GroupFileError(f"{shown}: name: required, the group's name as its report prints it")
    if raw.get("slug", path.stem) != path.stem:
        raise GroupFileError(f"{shown}: slug: got {raw['slug']!r}, which must match the file name")
    if path.stem in config.services():
        raise GroupFileError(f"{shown}: '{path.stem}' is a service's slug; name the group's file otherwise")
    if not isinstance(listed, list) or len(listed) < 2 or len(set(map(str, listed))) != len(listed):
        raise GroupFileError(f"{shown}: members: two or more services, each once, e.g. [herefs, worcs]")
    services = config.services()
    for member in listed:
        if member not in services:
            valid = ", ".join(sorted(services))
            raise GroupFileError(f"{shown}: members: unknown service {member!r}; valid services: {valid}")
    years = {services[m].reporting_year for m in listed}
    if len(years) > 1:
        each = ", ".join(f"{m} {services[m].reporting_year}" for m in listed)
        raise GroupFileError(f"{shown}: members: must share a reporting year; they have {each}")
    return Group(path.stem, " ".join(name.split()), tuple(listed))
