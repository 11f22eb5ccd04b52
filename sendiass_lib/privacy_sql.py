"""Redaction and age bands as DuckDB macros, equal to privacy.redact and privacy.age_band.

`create_macros(con)` makes, for the connection: redact(t) (emails, postcodes, phone numbers),
redact_names(t, names VARCHAR[]) (those, then the words of the row's name cells: privacy.redact(text,
names) for one row) and age_band(born DATE, on_day DATE) -> VARCHAR (taxonomies/age_bands.yaml).
They use their arguments more than once: give them columns (or cheap expressions of columns).

The results are privacy.py's (tests/test_privacy_sql.py), except that SQL redacts more where
- a name or postcode touches a letter or digit outside ASCII: RE2's word boundary (\\b) knows ASCII
  ones only, so SQL finds one where Python does not ('Zoë', for the name word 'Zo': '[name]ë');
- a name is written with a dotted or dotless i or a long s ('JİM' for Jim), and nowhere plainly:
  Python's quick test (the name lowercased, in the note lowercased) misses it, its regex would not;
- a name cell holds the word 'name': Python finds it again in the '[name]'s it has put in.
Name words of one length are tried in alphabetical order (Python's order among them varies by run).
Unicode noncharacters U+FDD0-U+FDD4 (not for text) in a note become U+FFFD: SQL marks words with them.
"""

from __future__ import annotations

import duckdb

from . import privacy
from .sql_regex import PYTHON_SPACE, literal, re2

# Two non-ASCII letters match [A-Z] with (?i) and are word characters to polars, not to RE2's \b
# (the Kelvin sign and the long s): where one begins or ends a postcode, SQL asks for no boundary.
_FOLDED = r"(?-i:[\x{212A}\x{17F}])"  # (not S or K: those need the boundary)
_POSTCODE = (
    re2(privacy.POSTCODE)
    .replace(r"\b[A-Z]{1,2}", rf"(?:\b[A-Z]|{_FOLDED})[A-Z]?", 1)
    .replace(r"[A-Z]{2}\b", rf"[A-Z](?:[A-Z]\b|{_FOLDED})", 1)
)
if _POSTCODE.count(_FOLDED) != 2:
    raise ValueError("privacy.POSTCODE changed: adapt privacy_sql._POSTCODE to it")

# Names, without a regex per name (compiling one per row would cost more than all the rest): the note
# is cut into words and what lies between, each word between two _MARKs, and folded to lower case.
# Words are runs of ASCII letters, digits, _ and the four letters IGNORECASE matches to ASCII ones
# (dotted and dotless i, long s, Kelvin sign: the fold turns them into those), as RE2's \b would cut
# them; any other letter or digit is a word of its own (so 'Zo' is a word of 'Zoë', and 'Smith-' is
# followed by a word in 'Smith-é', as for re). A name word (its words and what lies between, each
# between _MARKs) is found by plain search, longest first, and replaced by _NAME and a _GONE for each
# further piece, so the cut still lines up with the note's: the note is put back together from its
# own pieces but those. A replacement opens with _OPENS where the search needs a _MARK, so a word
# ending in '-' no longer finds a word after it (re's \b sees '[name]' there). Searching twice finds
# a word right after itself ('Smith-Smith-x', the second search), and right before itself (_OWN:
# opened by the same name word), as re's one pass does.
_MARK, _NAME, _GONE, _OPENS, _OWN = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3", "\ufdd4"  # in no text
_WORD = r"[A-Za-z0-9_\x{130}\x{131}\x{17F}\x{212A}]+|[\pL\pN]"
_REPEATED_NAME = re2(privacy._REPEATED_NAME.pattern, space=PYTHON_SPACE)

MACROS = f"""
CREATE OR REPLACE TEMP MACRO redact(t) AS regexp_replace(regexp_replace(regexp_replace(t,
    {literal(privacy.EMAIL)}, '[email]', 'g'), {literal(_POSTCODE)}, '[postcode]', 'g'),
    {literal(re2(privacy.PHONE))}, '[phone]', 'g');
CREATE OR REPLACE TEMP MACRO _pieced(w) AS contains(w, '-') OR contains(w, '''');
CREATE OR REPLACE TEMP MACRO _longest_first(words) AS
    list_transform(list_sort(list_transform(words, lambda w: {{'n': -length(w), 'w': w}})), lambda s: s.w);
CREATE OR REPLACE TEMP MACRO _longer(words) AS list_distinct(list_filter(words, lambda w: length(w) > 1));
CREATE OR REPLACE TEMP MACRO _name_words(cells) AS CASE WHEN _pieced(cells)
    THEN _longest_first(_longer(list_concat(
        list_transform(string_split(cells, ' '), lambda run: ltrim(run, '''-')),
        string_split(regexp_replace(cells, '[''-]+', ' ', 'g'), ' '))))
    ELSE _longer(string_split(cells, ' ')) END;  -- (words of one piece each: in any order)
CREATE OR REPLACE TEMP MACRO _fold(t) AS replace(replace(lower(t), '\u0131', 'i'), '\u017f', 's');
CREATE OR REPLACE TEMP MACRO _marked(t) AS regexp_replace(t, '{_WORD}', '{_MARK}\\0{_MARK}', 'g');
CREATE OR REPLACE TEMP MACRO _pattern(w) AS '{_MARK}'
    || rtrim(regexp_replace(w, '[''-]+', '{_MARK}\\0{_MARK}', 'g'), '{_MARK}') || '{_MARK}';
CREATE OR REPLACE TEMP MACRO _replacement(p) AS
    '{_OWN}{_NAME}' || repeat('{_MARK}{_GONE}', len(string_split(p, '{_MARK}')) - 3) || '{_MARK}';
CREATE OR REPLACE TEMP MACRO _pieces_swapped(folded, p, chain) AS replace(CASE WHEN chain THEN replace(
    replace(replace(folded, p, _replacement(p)), p, _replacement(p)),
    rtrim(p, '{_MARK}') || '{_OWN}', rtrim(_replacement(p), '{_MARK}') || '{_OWN}')
    ELSE replace(folded, p, _replacement(p)) END, '{_OWN}', '{_OPENS}');
CREATE OR REPLACE TEMP MACRO _swapped(folded, w) AS CASE WHEN _pieced(w)
    THEN _pieces_swapped(folded, _pattern(w), suffix(w, '-') OR suffix(w, ''''))
    ELSE replace(folded, '{_MARK}' || w || '{_MARK}', '{_OPENS}{_NAME}{_MARK}') END;
CREATE OR REPLACE TEMP MACRO _rebuilt(tokens, folded) AS array_to_string(list_transform(
    list_zip(tokens, folded), lambda z: CASE z[2] WHEN '{_NAME}' THEN '[name]' WHEN '{_GONE}' THEN ''
    ELSE z[1] END), '');
CREATE OR REPLACE TEMP MACRO _names_in(marked, words) AS _rebuilt(string_split(marked, '{_MARK}'),
    string_split(replace(list_reduce(words, lambda folded, w: _swapped(folded, w), _fold(marked)),
        '{_OPENS}', '{_MARK}'), '{_MARK}'));
CREATE OR REPLACE TEMP MACRO _cells(t, names) AS CASE WHEN t IS NOT NULL
    THEN lower(regexp_replace(coalesce(array_to_string(names, ' '), ''), '[^A-Za-z''-]+', ' ', 'g')) END;
CREATE OR REPLACE TEMP MACRO redact_names(t, names) AS regexp_replace(_names_in(
    _marked(regexp_replace(redact(t), '[{_MARK}-{_OWN}]', '\ufffd', 'g')),
    _name_words(_cells(t, names)))
    || substr(t, 1, 0), {literal(_REPEATED_NAME)}, '[name]', 'g');  -- (|| substr: null for a null note)
"""


def _age_band_macro() -> str:
    """age_band(born, on_day): the band of the age in whole years on the day (privacy.age_band). The
    age is the difference of the dates as numbers yyyymmdd, in ten thousands (rounded down); its band
    is looked up in a map, so that each argument appears in the macro as few times as can be."""
    ages = ", ".join(
        f"{age}: {literal(b['label'])}" for b in privacy.age_bands() for age in range(b["min"], b["max"] + 1)
    )
    return f"""
CREATE OR REPLACE TEMP MACRO _yyyymmdd(d) AS year(d) * 10000 + month(d) * 100 + day(d);
CREATE OR REPLACE TEMP MACRO _band(age) AS
    CASE WHEN age IS NOT NULL THEN coalesce(MAP {{{ages}}}[age], {literal(privacy.UNKNOWN_BAND)}) END;
CREATE OR REPLACE TEMP MACRO age_band(born, on_day) AS
    _band(floor((_yyyymmdd(on_day::DATE) - _yyyymmdd(born::DATE)) / 10000)::INTEGER);
"""


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the redaction and age-band macros (temporary: for this connection only)."""
    con.execute(MACROS + _age_band_macro())
