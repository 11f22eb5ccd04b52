"""What a figure name is (its meaning, the metric result it reads, how it reads), and the three
reasons a figure can have no text: the disclosure rule hides it, the data do not give it, or it was
asked for with an argument that names nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches

from .. import disclosure
from ..formatting import SUPPRESSED, percent

COUNT_TEXT = "a count with thousands separators (disclosure.count_text): withheld where a page shows [c]"
PERCENT_TEXT = "a whole percentage, halves up (formatting.percent): withheld where a page shows [c]"


class FigureProblem(Exception):
    """Why a figure has no text; the message says why in words a service can act on."""

    symbol = ""


class Withheld(FigureProblem):
    """The service's disclosure rule hides the figure (it would show as [c] on a page)."""

    symbol = SUPPRESSED


class NotAvailable(FigureProblem):
    """The data loaded for the service-year do not give the figure ([x] on a page)."""

    symbol = "[x]"


class BadArgument(FigureProblem):
    """An argument of the right kind that names nothing there is (a label, a question, a table)."""


@dataclass(frozen=True)
class Param:
    """An argument of a figure that takes arguments: `reasons.top(n)`."""

    name: str
    kind: type  # int or str
    meaning: str
    required: bool = True


@dataclass(frozen=True)
class Figure:
    """One name a narrative may use: `value(sources, *arguments)` gives its text, or raises a
    FigureProblem; `example(sources)` gives arguments to show it with (`sendiass figures`)."""

    name: str  # "involvements.total"
    meaning: str  # one line: what the figure is
    reads: str  # the metric function and the field of its result
    formatted: str  # how the text reads, and the rule that may withhold it
    value: Callable[..., str]
    params: tuple[Param, ...] = ()
    example: Callable[..., tuple] | None = None

    @property
    def takes_arguments(self) -> bool:
        return bool(self.params)

    @property
    def signature(self) -> str:
        """'reasons.top(n)', 'service_figures.value(table, row, column=None)', 'involvements.total'."""
        if not self.params:
            return self.name
        names = [p.name if p.required else f"{p.name}=None" for p in self.params]
        return f"{self.name}({', '.join(names)})"

    def bind(self, args: tuple, kwargs: dict) -> tuple:
        """The arguments in parameter order, each checked for its kind; BadArgument says what is wrong."""
        if len(args) > len(self.params):
            raise BadArgument(f"{self.signature} takes {len(self.params)} argument(s), not {len(args)}")
        given = dict(zip([p.name for p in self.params], args, strict=False))
        for key, value in kwargs.items():
            if key not in {p.name for p in self.params} or key in given:
                raise BadArgument(f"{self.signature} has no argument '{key}' to give by name here")
            given[key] = value
        bound = []
        for param in self.params:
            if given.get(param.name) is None:  # (None: left out)
                if param.required:
                    raise BadArgument(f"{self.signature}: give {param.name} ({param.meaning})")
                bound.append(None)
                continue
            value = given[param.name]
            if not isinstance(value, param.kind) or isinstance(value, bool):
                what = "a whole number, e.g. 3" if param.kind is int else 'text in quotes, e.g. "ASD"'
                raise BadArgument(f"{self.signature}: {param.name} must be {what}, not {value!r}")
            bound.append(value)
        return tuple(bound)


def call_text(name: str, args: tuple = ()) -> str:
    """How a use of a figure is written: 'reasons.top(3)', 'sen_types.share("ASD")'."""
    if not args:
        return name
    shown = [f'"{a}"' if isinstance(a, str) else str(a) for a in args if a is not None]
    return f"{name}({', '.join(shown)})"


def shown_count(n: int | None, rule: disclosure.Rule, missing: str) -> str:
    """A count as a sentence shows it (disclosure.count_text): '2,486'; Withheld where that gives
    [c]; NotAvailable (saying `missing`) where there is no count."""
    if n is None:
        raise NotAvailable(missing)
    text = disclosure.count_text(n, rule)
    if text == SUPPRESSED:
        raise Withheld(hidden_count(rule))
    return text


def hidden_count(rule: disclosure.Rule) -> str:
    """Why a count is withheld, in the rule's own terms."""
    return (
        f"disclosure control hides it: a count of {rule.small_counts}, or a figure that would give one back"
    )


def small_base(rule: disclosure.Rule) -> str:
    """Why a percentage is withheld for its base."""
    return f"disclosure control gives no percentage on a base under {rule.min_base}"


def rise_or_fall(fraction: float) -> str:
    """0.243 -> 'a rise of 24%'; -0.325 -> 'a fall of 33%'; under half a percent -> 'little change'."""
    size = percent(abs(fraction))
    if size == "0%":
        return "little change (under 0.5%)"
    return f"a {'rise' if fraction > 0 else 'fall'} of {size}"


def choose(value: str, valid: list[str], what: str) -> str:
    """`value` when it is one of `valid` (labels, questions, tables), else BadArgument saying it is
    not `what` ('one of the SEN types of 2024'), with the closest and every valid one."""
    if value in valid:
        return value
    close = get_close_matches(value, valid, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    listed = ", ".join(repr(v) for v in valid) or "none"
    raise BadArgument(f"{value!r} is not {what}{hint}; valid: {listed}")


def at_least_one(n: int, what: str) -> int:
    """A count of items asked for: 1 or more."""
    if n < 1:
        raise BadArgument(f"{what} must be 1 or more, not {n}")
    return n
