"""Regular expressions written for polars (Rust regex) or Python `re`, spelled for DuckDB's RE2.

RE2's \\d and \\s know ASCII only, where polars' and Python's know Unicode: `re2` spells them out as
the classes polars uses, so a pattern matches the same text in SQL. RE2's \\b is ASCII-only too and
has no Unicode form; callers that need one say how they cope (privacy_sql).
"""

from __future__ import annotations

# polars' \d: Unicode decimal digits. RE2's \p{Nd} has older tables, without Unicode 16's digits.
DIGIT = (
    r"\p{Nd}\x{10D40}-\x{10D49}\x{116D0}-\x{116E3}\x{11BF0}-\x{11BF9}\x{16130}-\x{16139}"
    r"\x{16D70}-\x{16D79}\x{1CCF0}-\x{1CCF9}\x{1E5F1}-\x{1E5FA}"
)
# polars' \s: Unicode White_Space (what polars strips too). Python's \s (str.isspace) adds \x1c-\x1f.
SPACE_CHARS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
SPACE = "".join(f"\\x{{{ord(c):X}}}" for c in SPACE_CHARS)
PYTHON_SPACE = SPACE + r"\x{1C}-\x{1F}"


def re2(pattern: str, space: str = SPACE) -> str:
    """`pattern` with \\d and \\s as Unicode classes (inside [...] or not), for RE2; `space` is the
    whitespace \\s stands for (polars' by default)."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escaped = pattern[i : i + 2]
            spelled = {r"\d": DIGIT, r"\s": space}.get(escaped)
            out.append(escaped if spelled is None else spelled if in_class else f"[{spelled}]")
            i += 2
            continue
        in_class = (char == "[") or (in_class and char != "]")
        out.append(char)
        i += 1
    return "".join(out)


def lower(sql: str) -> str:
    """SQL lowercasing the text `sql` as polars and Python do: DuckDB's lower() turns a dotted
    capital I into 'i' where they give 'i' and a combining dot. (They also give a capital sigma
    ending a word as a final sigma, DuckDB as a plain one; and DuckDB's tables are older.)"""
    return f"lower(replace({sql}, '\u0130', 'i\u0307'))"


def literal(text: str) -> str:
    """`text` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
