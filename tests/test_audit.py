"""The disclosure audit on small hand-made tables: each case the attack in issue 18 used is caught,
and `secure` adds suppressions until every small count is protected."""

from sendiass_lib.audit import Publication, intervals, secure, unprotected

WIDTH = 4  # the default rule (counts of 1-4 hidden): a reader must not tell a 1 from a 5


def reasons_table(counts: dict[str, int], hidden: set[str], base: int | None = None) -> Publication:
    """One label mix: counts per label, the base stated under it (their sum) shown."""
    pub = Publication()
    for label, n in counts.items():
        pub.cell(("reasons", label), n, primary=label in hidden and n < 5, hidden=label in hidden)
    pub.cell(("reasons", "base"), base if base is not None else sum(counts.values()), fixed=True)
    pub.total(("reasons", "base"), [("reasons", label) for label in counts])
    return pub


def test_three_left_over_three_hidden_cells_gives_each_back_as_1():
    pub = reasons_table({"EHCP": 600, "Transport": 75, "A": 1, "B": 1, "C": 1}, hidden={"A", "B", "C"})
    found = intervals(pub)
    assert {k[1]: (i.lo, i.hi) for k, i in found.items()} == {"A": (1, 1), "B": (1, 1), "C": (1, 1)}
    assert set(unprotected(pub, WIDTH)) == {("reasons", "A"), ("reasons", "B"), ("reasons", "C")}


def test_secure_hides_a_shown_cell_so_three_hidden_ones_are_no_longer_pinned():
    pub = reasons_table(
        {"EHCP": 600, "Transport": 75, "Legal": 20, "A": 1, "B": 1, "C": 1}, hidden={"A", "B", "C"}
    )
    added, _ = secure(pub, WIDTH)
    assert added == {("reasons", "Legal")}  # the smallest shown count that protects them
    assert not unprotected(pub, WIDTH)
    assert intervals(pub)[("reasons", "A")].hi >= 5


def test_a_theme_share_printed_to_one_decimal_gives_back_its_single_hidden_reason():
    # Year base 2,000 reasons, two hidden (Tribunal 3, and Transport 50 hidden with it so the base
    # alone gives nothing back). Theme "Disagreements" = Legal (shown 40) + Tribunal, printed 2.2%
    # of 2,000 (43 to 45): Tribunal is 3 to 5, narrower than the rule allows.
    counts = {"Legal": 40, "Tribunal": 3, "Transport": 50, "Other": 1907}
    pub = reasons_table(counts, hidden={"Tribunal", "Transport"})
    pub.share([("reasons", "Legal"), ("reasons", "Tribunal")], [("reasons", "base")], 0.022, 0.0005)
    tribunal = intervals(pub)[("reasons", "Tribunal")]
    assert (tribunal.lo, tribunal.hi) == (3, 5)
    added, _ = secure(pub, WIDTH)
    assert added == {("reasons", "Legal")} and not unprotected(pub, WIDTH)


def test_a_share_on_another_page_pins_a_group_and_with_the_tables_base_a_hidden_count():
    # SEN types: base 340; "Other" group = Medical (shown 14) + Epilepsy (hidden 4); the data-quality
    # page prints the group as 5.3% of 340 (18.02 +/- 0.17): Epilepsy is exactly 4.
    pub = reasons_table({"Medical": 14, "Epilepsy": 4, "ASD": 322}, hidden={"Epilepsy"}, base=340)
    pub.share([("reasons", "Medical"), ("reasons", "Epilepsy")], [("reasons", "base")], 0.053, 0.0005)
    epilepsy = intervals(pub)[("reasons", "Epilepsy")]
    assert (epilepsy.lo, epilepsy.hi) == (4, 4)


def test_a_count_said_in_a_sentence_as_fewer_than_5_is_never_protected():
    pub = Publication()
    pub.cell(("contact", "none recorded"), 3, primary=True)
    pub.between(("contact", "none recorded"), 1, 4)
    assert unprotected(pub, WIDTH)


def test_a_percentage_of_a_small_count_gives_back_the_count():
    # An evaluation question answered by 29: "3%" rated it 1 is 0.87 +/- 0.145 people: exactly 1.
    pub = Publication()
    pub.cell(("q6", "answers"), 29, fixed=True)
    pub.cell(("q6", "rated 1"), 1, primary=True)
    pub.share([("q6", "rated 1")], [("q6", "answers")], 0.03, 0.005)
    found = intervals(pub)[("q6", "rated 1")]
    assert (found.lo, found.hi) == (1, 1)


def test_a_share_is_dropped_with_its_own_count_when_the_count_is_hidden():
    pub = reasons_table({"EHCP": 30, "Transport": 12, "Tribunal": 3}, hidden={"Tribunal"})
    pub.share(
        [("reasons", "Tribunal")], [("reasons", "base")], 3 / 45, 0.0005, owners=[("reasons", "Tribunal")]
    )
    assert len(pub.in_force()) == 1  # the total only
    secure(pub, WIDTH)
    assert intervals(pub)[("reasons", "Tribunal")].width >= WIDTH


def test_a_hidden_cell_no_relation_touches_is_protected():
    pub = Publication()
    pub.cell(("figures", "tribunals"), 3, primary=True)
    assert not unprotected(pub, WIDTH)
