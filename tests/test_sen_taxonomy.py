"""The SEN type taxonomy maps DfE's official name of every primary need, and its usual variants, to
that need's code (taxonomies/sen_types.yaml, matched by labels.label_key)."""

import re
from datetime import date

import polars as pl
import pytest
import yaml

from sendiass_lib import labels
from sendiass_lib.metrics import national

# DfE's name of each primary need, by code, from the project's own copy of the census table.
DFE_NAMES = {
    n["code"]: n["need"]
    for n in yaml.safe_load(national.ENGLAND_FILE.read_text(encoding="utf-8"))["breakdown"]["needs"]
}

# Long forms and spellings seen in exports and local-authority documents, with the code each is.
LONG_FORMS = {
    "Autistic Spectrum Condition": "ASD",
    "Autistic spectrum disorder": "ASD",
    "Autism spectrum condition": "ASD",
    "ASD": "ASD",
    "Speech, Language and Communication Needs": "SLCN",
    "Speech language and communication needs": "SLCN",
    "Speech, language and communication difficulties": "SLCN",
    "Speech, language & communication": "SLCN",
    "Social, Emotional and Mental Health": "SEMH",
    "Social, emotional and mental health difficulties": "SEMH",
    "Social emotional & mental health needs": "SEMH",
    "Profound and multiple learning difficulty": "PMLD",
    "Profound & Multiple Learning Difficulties": "PMLD",
    "Multi-sensory impairment": "MSI",
    "Multi sensory impairment": "MSI",
    "Multisensory impairment": "MSI",
    "SEN support but no specialist assessment of type of need": "NSA",
    "Other difficulty/disability": "OTH",
    "Other difficulties/disabilities": "OTH",
    "Moderate learning difficulties": "MLD",
    "Severe learning difficulties": "SLD",
    "Specific learning difficulties": "SPLD",
    "SpLD": "SPLD",
    "Physical disabilities": "PD",
}


def variants(name: str) -> set[str]:
    """The official name as exports spell it: case, no commas, '&' for 'and', difficulty(-ies)."""
    forms = {name, name.upper(), name.lower(), name.title(), name.replace(",", "")}
    forms |= {f.replace(" and ", " & ").replace(" or ", "/") for f in list(forms)}
    plural = {"difficulty": "difficulties", "disability": "disabilities"}
    forms |= {re.sub(r"\b(difficulty|disability)\b", lambda m: plural[m[1]], f) for f in list(forms)}
    return forms


def mapped(raw: list[str]) -> dict[str, tuple[str, str | None]]:
    """Raw label -> (taxonomy label, code) on a day in 2024."""
    frame = pl.DataFrame({"raw_label": raw, "on": [date(2024, 6, 1)] * len(raw)})
    result = labels.map_labels(frame, "sen_types")
    return {r["raw_label"]: (r["label"], r["code"]) for r in result.iter_rows(named=True)}


def test_the_reference_file_names_all_thirteen_primary_needs():
    assert set(DFE_NAMES) == {
        "SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH", "NSA",
    }  # fmt: skip


@pytest.mark.parametrize("code", list(DFE_NAMES))
def test_dfe_name_and_its_variants_map_to_the_need_code(code):
    spellings = sorted(variants(DFE_NAMES[code]) | {code, code.lower()})
    found = mapped(spellings)
    wrong = {raw: got for raw, got in found.items() if got[1] != code}
    assert wrong == {}, f"{code}: {wrong}"


@pytest.mark.parametrize("raw, code", list(LONG_FORMS.items()))
def test_long_forms_and_codes_map_to_the_need_code(raw, code):
    label, got = mapped([raw])[raw]
    assert label != labels.UNMAPPED and got == code


def test_needs_without_a_local_label_get_their_own_not_another_codes():
    # SLD, PMLD, MSI and SPLD in general would otherwise be squeezed into MLD, Dyslexia or OTH.
    found = mapped([DFE_NAMES[c] for c in ("SLD", "PMLD", "MSI", "SPLD")])
    assert {label for label, _ in found.values()}.isdisjoint({"Learning dis/diff", "Dyslexia", "Other"})


def test_dfe_nsa_name_has_its_own_label_and_none_keeps_its_code():
    found = mapped([DFE_NAMES["NSA"], "None"])
    assert found[DFE_NAMES["NSA"]][0] != "None" and found[DFE_NAMES["NSA"]][1] == "NSA"
    assert found["None"] == ("None", "NSA")


def test_commas_and_full_stops_do_not_change_a_label_key():
    assert labels.label_key("Social, emotional and mental health") == labels.label_key(
        "Social emotional and mental health"
    )
    assert labels.label_key("Speech,language, and communication.") == labels.label_key(
        "speech language and communication"
    )
    raw = pl.DataFrame({"raw": ["Social,  Emotional,and Mental Health.", "Ed Psych / Advisor teacher"]})
    expr = raw.select(labels.label_key_expr(pl.col("raw"))).to_series().to_list()
    assert expr == [labels.label_key(text) for text in raw["raw"]]


def test_every_taxonomy_still_loads_with_no_spelling_given_for_two_labels():
    names = [p.stem for p in labels.TAXONOMY_DIR.glob("*.yaml")]
    lists = [n for n in names if "lists" in yaml.safe_load((labels.TAXONOMY_DIR / f"{n}.yaml").read_text())]
    labels.taxonomy.cache_clear()
    for name in lists:
        assert labels.taxonomy(name).height > 0  # raises on a spelling given for two labels
