"""How a service file's mistakes are said to the person editing it: a pydantic error as one line
naming the key (dotted path), what is wrong and what is allowed, with a near miss's suggestion.
What a key allows is read from the schema's declarations (service_schema), whose README table
says it in the same words (allowed).
"""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

REASONS = {  # pydantic's error types, said for a person editing a YAML file
    "model_type": "should be a mapping (`key: value` lines below it)",
    "dict_type": "should be a mapping",
    "int_type": "should be a whole number",
    "float_type": "should be a number",
    "string_type": "should be text",
    "list_type": "should be a list, e.g. [a, b]",
}


def problem(raw: dict, error: dict, root: type[BaseModel], union_tags: dict[str, tuple[str, ...]]) -> str:
    """One pydantic error on the file `raw` validated as `root` as 'key: what is wrong; allowed: ...'.
    `union_tags` are the tags pydantic puts in a location under a key holding a tagged union."""
    loc = error["loc"]
    if error["type"] == "extra_forbidden":
        keys, section, _ = _walk(loc[:-1], root, union_tags)
        valid = list(section.model_fields) if section else []
        under = f" under {'.'.join(keys)}" if keys else ""
        dotted = ".".join([*keys, str(loc[-1])])
        return f"{dotted}: unknown key; valid keys{under}: {', '.join(valid)}{did_you_mean(loc[-1], valid)}"
    keys, _, setting = _walk(loc, root, union_tags)
    permitted = f"; allowed: {allowed(setting)}" if setting is not None else ""
    if error["type"] == "missing":
        return f"{'.'.join(keys)}: missing, and it has no default{permitted}"
    got = brief(_value_at(raw, keys))
    if loc[-1] == "[key]":  # a mapping's key is wrong, not its value
        got, keys = f"key {brief(keys[-1])}", keys[:-1]
    reason = REASONS.get(error["type"], error["msg"].replace("Input should", "should"))
    hint = (error.get("ctx") or {}).get("hint", "")
    return f"{'.'.join(str(k) for k in keys)}: got {got}, {reason}{permitted}{hint}"


def _walk(
    loc: tuple, root: type[BaseModel], union_tags: dict[str, tuple[str, ...]]
) -> tuple[list, type[BaseModel] | None, FieldInfo | None]:
    """An error location as the keys to show (union tags dropped; a list stops at its key), the
    section they end in, and the setting they name."""
    keys: list = []
    section: type[BaseModel] | None = root
    setting: FieldInfo | None = None
    for part in loc:
        if section is not None and part in section.model_fields:
            setting = section.model_fields[part]
            section = section_of(setting.annotation)
        elif keys and part in union_tags.get(str(keys[-1]), ()):
            continue
        elif part == "[key]" or (isinstance(part, int) and not _is_mapping(setting)):
            break
        else:
            section = None
        keys.append(part)
    return keys, section, setting


def _is_mapping(setting: FieldInfo | None) -> bool:
    return setting is not None and typing.get_origin(setting.annotation) is dict


def section_of(annotation: Any) -> type[BaseModel] | None:
    """The section (a model) a setting holds, looking through `| None` and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if (found := section_of(arg)) is not None:
            return found
    return None


def allowed(setting: FieldInfo) -> str:
    """What a setting allows, in words; a section lists its keys."""
    extra = setting.json_schema_extra or {}
    section = section_of(setting.annotation)
    if section is None:
        return extra["allowed"]
    keys = f"a mapping with the keys {', '.join(section.model_fields)}"
    return f"{keys}, {extra['allowed']}" if extra["allowed"] else keys


def _value_at(raw: Any, keys: list) -> Any:
    for key in keys:
        raw = raw.get(key) if isinstance(raw, dict) else None
    return raw


def brief(value: Any) -> str:
    """A value as a message quotes it: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def did_you_mean(word: Any, choices: Any) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
