"""A service's narrative as HTML: its Markdown, with every `{{ name }}` placeholder filled in from the
data, checked first so that one error names every problem with its file and line.

A narrative is kept with its data: data/raw/<service>/narrative/<YEAR>.md for a real service, and
data/sample/<service>/narrative/<YEAR>.md (made-up text) for one whose extracts in the database are
the sample's. Placeholders are parsed with Jinja2 (sandboxed, strict, autoescaping) and every one is
checked against the catalogue before anything is rendered: an unknown name, an argument that names
nothing, a figure the disclosure rule hides or the data do not give, stops the render. Figures go
into the Markdown as opaque tokens and come out HTML-escaped, so no figure is read as markup; the
author's own markup is escaped too (mistune with escape on): no script, no raw HTML, no image (a
page loads nothing from the network), and no level-1 heading (the page has its own title).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

import duckdb
import mistune
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from .. import availability, groups
from .catalogue import catalogue, unknown_name, value
from .figure import BadArgument, FigureProblem, call_text
from .location import narrative_path
from .sources import Sources

ENV = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
WRITE_AS = "write a figure as {{ name }} or {{ name(arguments) }}"


class NarrativeError(ValueError):
    """A narrative that cannot be rendered: one line per problem, each naming the file and line."""


@dataclass(frozen=True)
class Placeholder:
    """One `{{ ... }}` of a narrative: where it is and the figure it names."""

    line: int
    name: str
    called: bool = False  # written with brackets: name(...)
    args: tuple = ()
    kwargs: tuple[tuple[str, object], ...] = ()  # sorted by name
    member: str | None = None  # in a group's narrative, the service it is of: {{ worcs.year.label }}

    @property
    def key(self) -> tuple:
        return self.member, self.name, self.args, self.kwargs

    @property
    def text(self) -> str:
        name = f"{self.member}.{self.name}" if self.member else self.name
        return call_text(name, self.args + tuple(v for _, v in self.kwargs))


def check_request(con: duckdb.DuckDBPyConnection, service: str, year: int) -> None:
    """availability.check_request, its refusal raised as a NarrativeError (one message for both)."""
    try:
        availability.check_request(con, service, year)
    except availability.NoDataError as exc:
        raise NarrativeError(str(exc)) from None


def narrative_file(con: duckdb.DuckDBPyConnection, service: str, year: int) -> Path:
    """Where the service-year's narrative is kept: beside the sample's extracts when the database holds
    the sample's for the service (a group: for every member), else in data/raw/<service>/narrative/."""
    check_request(con, service, year)
    members = list(groups.members(service))
    query = "SELECT bool_and(is_sample) FROM loads WHERE list_contains(?, service)"
    [(sample,)] = con.execute(query, [members]).fetchall()
    return narrative_path(service, year, bool(sample))


def render(con: duckdb.DuckDBPyConnection, service: str, year: int, path: Path | None = None) -> str:
    """The narrative of a service-year (or the file at `path`) as an HTML fragment, its figures from
    the data; NarrativeError names every problem found, with its file and line. A group's narrative
    names each figure's member first ({{ worcs.involvements.total }}; year names need none)."""
    check_request(con, service, year)
    path = path or narrative_file(con, service, year)
    if not path.is_file():
        raise NarrativeError(
            f"no narrative for {service} {year}: {shown(path)} does not exist (`sendiass narrative "
            f"--service {service} --year {year}` writes a starter to edit; docs/narrative.md)"
        )
    source = path.read_text(encoding="utf-8")
    group = groups.group(service)
    members = group.members if group else ()
    found = placeholders(source, path, members)
    values = figures({m: Sources(con, m or service, year) for m in members or (None,)}, found, path)
    nonce = secrets.token_hex(6)
    tokens = {key: f"narrativefigure{nonce}n{i}end" for i, key in enumerate(values)}
    names = {name.split(".")[0] for _, name, _, _ in tokens}
    context = {name: _Group(name, tokens, members[0] if members else None) for name in names}
    context |= {member: _Member(member, tokens) for member in members}
    text = ENV.from_string(source).render(context)
    html = _markdown(text, source, path)
    for key, token in tokens.items():
        html = html.replace(token, escape(values[key]))
    return html


def placeholders(source: str, path: Path, members: tuple[str, ...] = ()) -> list[Placeholder]:
    """Every placeholder of a narrative, each checked against the catalogue (name, and arguments of
    the right kind; in a group's narrative, a member named first): NarrativeError lists every one
    that is not, with its line."""
    try:
        template = ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise NarrativeError(
            f"{shown(path)}:{exc.lineno}: placeholder syntax: {exc.message}; {WRITE_AS}"
        ) from None
    found, problems = [], []
    for node in template.body:
        if not isinstance(node, nodes.Output):
            problems.append((node.lineno, f"{{% ... %}} statements are not allowed; {WRITE_AS}"))
            continue
        for part in node.nodes:
            if isinstance(part, nodes.TemplateData):
                continue
            try:
                found.append(_checked(_owned(_placeholder(part), members)))
            except BadArgument as exc:
                problems.append((part.lineno, str(exc)))
    _stop(path, problems)
    return found


def figures(sources: dict[str | None, Sources], found: list[Placeholder], path: Path) -> dict[tuple, str]:
    """Each placeholder's text, by key, from its member's results (None: the narrative's service):
    NarrativeError lists every one with none, and why."""
    values, problems = {}, []
    for placeholder in found:
        if placeholder.key in values:
            continue
        try:
            values[placeholder.key] = value(
                sources[placeholder.member], placeholder.name, placeholder.args, dict(placeholder.kwargs)
            )
        except FigureProblem as exc:
            kind = f" {exc.symbol}" if exc.symbol else ""
            problems.append((placeholder.line, f"{placeholder.text}{kind}: {exc}"))
    _stop(path, problems)
    return values


def _placeholder(part: nodes.Node) -> Placeholder:
    """The figure a placeholder's expression names, or BadArgument saying how to write one."""
    call = part if isinstance(part, nodes.Call) else None
    target = call.node if call else part
    name = _dotted(target)
    if name is None:
        raise BadArgument(f"filters, sums and other expressions are not allowed; {WRITE_AS}")
    if call is None:
        return Placeholder(part.lineno, name)
    if call.dyn_args or call.dyn_kwargs:
        raise BadArgument(f"{name}: give each argument as a number or text in quotes")
    if not all(isinstance(a, nodes.Const) for a in [*call.args, *(k.value for k in call.kwargs)]):
        raise BadArgument(f"{name}: an argument must be a number or text in quotes, e.g. {name}(3)")
    args = tuple(a.value for a in call.args)
    kwargs = tuple(sorted((k.key, k.value.value) for k in call.kwargs))
    return Placeholder(part.lineno, name, True, args, kwargs)


def _owned(placeholder: Placeholder, members: tuple[str, ...]) -> Placeholder:
    """In a group's narrative, the placeholder with the member its name starts with taken off (a
    year name, the same for every member, may leave it out); else BadArgument naming the members."""
    first, _, rest = placeholder.name.partition(".")
    if not members:
        return placeholder
    if first in members and rest:
        return replace(placeholder, name=rest, member=first)
    if first == "year":
        return replace(placeholder, member=members[0])
    raise BadArgument(
        f"{placeholder.name}: a joint narrative names the service each figure is of first: "
        f"{members[0]}.{placeholder.name} (services: {', '.join(members)})"
    )


def _dotted(node: nodes.Node) -> str | None:
    """'involvements.total' for `involvements.total`; None for anything but names and dots."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        inner = _dotted(node.node)
        return None if inner is None else f"{inner}.{node.attr}"
    return None


def _checked(placeholder: Placeholder) -> Placeholder:
    """The placeholder, if it names a figure and gives it arguments it can take; else BadArgument."""
    figure = catalogue().get(placeholder.name)
    if figure is None:
        raise BadArgument(unknown_name(placeholder.name))
    if figure.takes_arguments and not placeholder.called:
        raise BadArgument(f"{placeholder.name} needs arguments: write {figure.signature}")
    if placeholder.called and not figure.takes_arguments:
        raise BadArgument(f"{placeholder.name} takes no arguments: write {{{{ {placeholder.name} }}}}")
    figure.bind(placeholder.args, dict(placeholder.kwargs))
    return placeholder


def _stop(path: Path, problems: list[tuple[int, str]]) -> None:
    if problems:
        ordered = sorted(problems, key=lambda problem: problem[0])  # by line, as found within one
        raise NarrativeError("\n".join(f"{shown(path)}:{line}: {text}" for line, text in ordered))


class _Group:
    """What a placeholder's first name stands for while rendering: each figure gives its token."""

    def __init__(self, group: str, tokens: dict[tuple, str], member: str | None = None):
        self.group, self.tokens, self.member = group, tokens, member

    def __getattr__(self, attr: str):
        name = f"{self.group}.{attr}"
        if catalogue()[name].takes_arguments:
            return lambda *args, **kwargs: self.tokens[
                (self.member, name, args, tuple(sorted(kwargs.items())))
            ]
        return self.tokens[(self.member, name, (), ())]


class _Member:
    """In a group's narrative, what a member's slug stands for: its figures' first names."""

    def __init__(self, member: str, tokens: dict[tuple, str]):
        self.member, self.tokens = member, tokens

    def __getattr__(self, group: str) -> _Group:
        return _Group(group, self.tokens, self.member)


class _Refused(Exception):
    """Markdown a narrative may not use, and the source line to look for it by."""

    def __init__(self, message: str, pattern: str):
        super().__init__(message)
        self.pattern = pattern


class _Renderer(mistune.HTMLRenderer):
    """mistune's HTML with raw HTML escaped, and no image or level-1 heading."""

    def heading(self, text: str, level: int, **attrs) -> str:
        if level == 1:
            raise _Refused(
                "a level-1 heading: the page has its own title; start sections at ##",
                r"^ {0,3}(#(\s|$)|=+\s*$)",
            )
        return super().heading(text, level, **attrs)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        raise _Refused(f"an image ({url}): a page loads nothing from the network", re.escape(f"]({url}"))


def _markdown(text: str, source: str, path: Path) -> str:
    try:
        return mistune.create_markdown(escape=True, renderer=_Renderer(escape=True), plugins=["table"])(text)
    except _Refused as exc:
        lines = source.splitlines()
        line = next((i for i, row in enumerate(lines, 1) if re.search(exc.pattern, row)), 1)
        raise NarrativeError(f"{shown(path)}:{line}: {exc}") from None


def shown(path: Path) -> str:
    """A path as an author would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
