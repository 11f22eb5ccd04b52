"""Every figure name a narrative may use, by name: what it means, which metric result it reads, how
its text reads. One place to look a name up, suggest the one meant, work a value out, and write the
reference table docs/narrative.md carries (a test keeps the two equal).
"""

from __future__ import annotations

from difflib import get_close_matches
from functools import cache

from . import case_figures, digital_figures, evaluation_figures, figures_extract, mix_figures
from .figure import Figure
from .sources import Sources


@cache
def catalogue() -> dict[str, Figure]:
    """Every figure, by name, in the order docs/narrative.md lists them."""
    found = [
        *case_figures.service_and_year(),
        *case_figures.involvement_figures(),
        *case_figures.key_figures(),
        *case_figures.tribunal_figures(),
        *mix_figures.mix_figures(),
        *evaluation_figures.evaluation_figures(),
        *evaluation_figures.training_figures(),
        *digital_figures.digital_figures(),
        *figures_extract.service_figure_figures(),
    ]
    named = {figure.name: figure for figure in found}
    if len(named) != len(found):
        raise ValueError("two figures share a name")
    return named


def groups() -> list[str]:
    """The first parts of the names: 'service', 'year', 'involvements', ..., in catalogue order."""
    return list(dict.fromkeys(name.split(".")[0] for name in catalogue()))


def unknown_name(name: str) -> str:
    """What to tell an author who wrote a name the catalogue lacks: the names meant, most alike
    first, and the names there are (those of the same group when the group is known)."""
    names = list(catalogue())
    close = get_close_matches(name, names, n=3, cutoff=0.75)
    text = f"unknown figure '{name}'"
    if close:
        text += f" (did you mean {' or '.join(repr(c) for c in close)}?)"
    group = name.split(".")[0]
    if group in groups():
        listed = ", ".join(f.signature for f in catalogue().values() if f.name.startswith(f"{group}."))
        return f"{text}; names under {group}: {listed}"
    return f"{text}; names start with one of: {', '.join(groups())} (docs/narrative.md lists them all)"


def value(sources: Sources, name: str, args: tuple = (), kwargs: dict | None = None) -> str:
    """A figure's text for the service-year, or a FigureProblem saying why there is none."""
    figure = catalogue()[name]
    return figure.value(sources, *figure.bind(args, kwargs or {}))


def example(sources: Sources, figure: Figure) -> tuple:
    """Arguments to show a figure with (none for a figure that takes none): FigureProblem when the
    data give none (no label recorded, no question answered)."""
    if not figure.takes_arguments:
        return ()
    if figure.example is None:
        raise ValueError(f"{figure.name} takes arguments but has no example")
    return figure.example(sources)


def reference_table() -> str:
    """The Markdown table of every name that docs/narrative.md carries between its markers."""
    lines = ["| Name | Meaning | Reads | Reads as |", "|---|---|---|---|"]
    for figure in catalogue().values():
        cells = [f"`{figure.signature}`", figure.meaning, f"`{figure.reads}`", figure.formatted]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)
