"""A service's narrative: Markdown it writes itself, whose figures are named placeholders filled in
from the data (`{{ involvements.total }}`), so no figure in the report is typed by hand.

`catalogue` defines every name (what it means, which metric result it reads, how it reads);
`render.render` checks a narrative's placeholders against it and gives the narrative as HTML;
`starter` writes a first narrative for a service to edit; `commands` adds `sendiass figures` and
`sendiass narrative`. docs/narrative.md says how to write one.
"""
