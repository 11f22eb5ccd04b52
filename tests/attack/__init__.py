"""The disclosure attack of issue 18, as a reader could run it on the published pages.

pages.py     what a page shows: tables (caption, header, rows, notes) and text, via html.parser
site.py      a service's pages by year, with the shipped files a reader has (theme crosswalk, the
             printed report's label groups, the service's threshold)
system.py    the linear system: unknowns by key, constraints, hidden cells as expressions
relations.py relations within a table (label lists and their stated base, monthly involvements,
             key figures, Total rows)
links.py     relations across tables and pages (themes, DfE needs, blank fields, printed groups,
             part-year involvements, the tribunals estimate)
sentences.py shares and small numbers said in sentences and chart descriptions
ratings.py   evaluation rating counts behind the printed percentages and Wilson intervals
rule.py      what knowing today's documented secondary-suppression rule adds (not a default)
audit.py     the LP audit (HiGHS): each hidden cell's least and greatest value
attack.py    all of it for one service, and what it found
snippets.py  hand-made pages for the unit tests
"""
