"""Native digital downloads (ingest/native: ga4, youtube, meta): recognised by content, converted to
the digital contract, loaded like a hand-made extract. Fixtures are written here from the layouts in
docs/data-contract.md ("Native downloads"), one quirk each, columns varied."""

from __future__ import annotations

import codecs
from pathlib import Path

import duckdb

from sendiass_lib import db
from sendiass_lib.ingest import native
from sendiass_lib.ingest.load import load_file
from sendiass_lib.metrics import digital
from tests import published

GA4_PREAMBLE = (
    "# ----------------------------------------\n"
    "# Free form 1\n"
    "# Account: SENDIASS\n"
    "# Property: sendiass website - GA4\n"
    "# 20240101-20241231\n"
    "# ----------------------------------------\n"
    "\n"
)
VISITORS_2024 = list(published.table("hw_website_visitors_monthly")["visitors"].values())  # as printed


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def ga4_exploration(folder: Path, name: str = "download.csv") -> Path:
    """An Exploration by Year month: grand total first, with `Grand total` in an extra field."""
    body = "".join(f"2024{m:02d},{v},{v * 3},{v + 100}\n" for m, v in enumerate(VISITORS_2024, start=1))
    total = f",{sum(VISITORS_2024) - 500},{sum(VISITORS_2024) * 3},{sum(VISITORS_2024) + 1200},Grand total\n"
    return write(folder, name, GA4_PREAMBLE + "Year month,Active users,Views,Sessions\n" + total + body)


def ga4_standard(folder: Path, start: str, end: str, name: str = "pages.csv") -> Path:
    """A standard report (pages and screens): preamble dates, no totals row, rates and seconds."""
    text = (
        "# ----------------------------------------\n"
        "# Pages and screens: Page path and screen class\n"
        "# Account: SENDIASS\n"
        "# Property: sendiass website - GA4\n"
        "# ----------------------------------------\n"
        "#\n"
        f"# Start date: {start}\n"
        f"# End date: {end}\n"
        "Page path and screen class,Views,Active users,Views per active user,"
        "Average engagement time per active user,Event count,Conversions,Total revenue\n"
        "/,1200,800,1.5,35.2,4000,3,0\n"
        "/contact-us,300,250,1.2,20.1,900,5,0\n"
        "/ehcp,500,410,1.219,61.0,1500,0,0\n"
    )
    return write(folder, name, text)


def loaded(tmp_path: Path, path: Path, name: str, kind: str = "digital") -> duckdb.DuckDBPyConnection:
    """A new database holding only this file, loaded as a native download when one is recognised."""
    con = db.connect(tmp_path / f"{name}.duckdb", read_only=False)
    found = native.recognise(path)
    load_file(con, path, "worcs", kind, native=found[0] if found else None)
    return con


def stored(con) -> list[tuple]:
    return con.execute(
        "SELECT month, scope, channel, metric, item, value FROM digital_metrics ORDER BY ALL"
    ).fetchall()


# --- Google Analytics 4 -----------------------------------------------------------------------


def test_ga4_exploration_recognised_by_content_whatever_its_name(tmp_path):
    for name in ("download.csv", "Website stats.csv", "involvements_2024.txt"):
        source, found = native.recognise(ga4_exploration(tmp_path, name))
        assert source.name.startswith("Google Analytics 4")
        assert found.source == "Google Analytics 4 exploration"
        assert found.kind == "digital"
        assert [str(d) for d in found.period] == ["2024-01-01", "2024-12-31"]


def test_ga4_exploration_grand_total_is_rejected_not_counted(tmp_path):
    con = loaded(tmp_path, ga4_exploration(tmp_path), "explore")
    load = con.execute("SELECT rows_in, rows_loaded, rows_rejected FROM loads").fetchone()
    assert load[0] == load[1] + load[2]
    rejects = con.execute("SELECT row_number, reason FROM rejects").fetchall()
    assert rejects == [(1, "total_row")]  # the file's first data row
    visitors = con.execute("SELECT sum(value) FROM digital_metrics WHERE metric = 'Visitors'").fetchone()[0]
    assert visitors == sum(VISITORS_2024)
    assert con.execute("SELECT DISTINCT channel, scope FROM digital_metrics").fetchall() == [
        ("Website", "joint")
    ]
    metrics = {m for (m,) in con.execute("SELECT DISTINCT metric FROM digital_metrics").fetchall()}
    assert metrics == {"Visitors", "Views", "Sessions"}


def test_ga4_exploration_by_date_sums_days_into_months_but_not_users(tmp_path):
    days = "".join(f"2024{m:02d}{d:02d},10,{d},2\n" for m in (1, 2) for d in (1, 15, 28))
    text = GA4_PREAMBLE.replace("20240101-20241231", "20240101-20240229")
    text += "Date,Total users,Views,Key events\n,55,88,12,Grand total\n" + days
    path = write(tmp_path, "daily.csv", text)
    _, found = native.recognise(path)
    assert any("Total users" in u and "per day" in u for u in found.unused)
    con = loaded(tmp_path, path, "daily")
    assert sorted(stored(con)) == sorted(
        (_d(2024, m), "joint", "Website", metric, None, value)
        for m in (1, 2)
        for metric, value in (("Key events", 6), ("Views", 44))
    )


def _d(year: int, month: int):
    from datetime import date

    return date(year, month, 1)


def test_ga4_standard_report_of_one_month_is_that_month(tmp_path):
    path = ga4_standard(tmp_path, "20240301", "20240331")
    _source, found = native.recognise(path)
    assert found.source == "Google Analytics 4 standard report"
    assert any(u.startswith("Views per active user") for u in found.unused)
    con = loaded(tmp_path, path, "march")
    assert sorted(stored(con)) == [
        (_d(2024, 3), "joint", "Website", "Events", None, 6400),
        (_d(2024, 3), "joint", "Website", "Key events", None, 8),  # Conversions, renamed since
        (_d(2024, 3), "joint", "Website", "Views", None, 2000),
    ]  # no Visitors: users per page do not add up


def test_ga4_standard_report_over_several_months_is_rejected_not_guessed(tmp_path):
    con = loaded(tmp_path, ga4_standard(tmp_path, "20250101", "20250211"), "span")
    assert stored(con) == []
    reasons = {r for (r,) in con.execute("SELECT DISTINCT reason FROM rejects").fetchall()}
    assert reasons == {"missing_required"}
    rows_in, loaded_, rejected = con.execute(
        "SELECT rows_in, rows_loaded, rows_rejected FROM loads"
    ).fetchone()
    assert rows_in == loaded_ + rejected > 0


def test_ga4_in_french_is_not_mistaken_for_another_download(tmp_path):
    text = (
        "# ----------------------------------------\n"
        "# Pages et écrans : Chemin de la page et classe de l'écran\n"
        "# Compte : SENDIASS\n"
        "# ----------------------------------------\n"
        "#\n"
        "# Date de début : 20250101\n"
        "# Date de fin : 20250131\n"
        "Chemin de la page et classe de l'écran,Vues,Utilisateurs actifs,Nombre d'événements\n"
        "/,1200,800,4000\n"
    )
    assert native.recognise(write(tmp_path, "rapport.csv", text)) is None
    text = GA4_PREAMBLE + "Mois de l'année,Utilisateurs actifs,Vues\n,10,20,Total général\n202401,10,20\n"
    assert native.recognise(write(tmp_path, "exploration.csv", text)) is None


def test_ga4_gives_the_same_figures_as_the_hand_made_extract(tmp_path):
    hand = "Month,Scope,Platform,Measure,Video Title,Value\n" + "".join(
        f"{m}-24,joint,Website,Visitors,,{v}\n"
        for m, v in zip(
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
            VISITORS_2024,
            strict=True,
        )
    )
    made = loaded(tmp_path, write(tmp_path, "digital_2024.csv", hand), "hand")
    text = (
        GA4_PREAMBLE
        + "Year month,Active users\n,31000,Grand total\n"
        + "".join(f"2024{m:02d},{v}\n" for m, v in enumerate(VISITORS_2024, start=1))
    )
    down = loaded(tmp_path, write(tmp_path, "download.csv", text), "ga4")
    assert (
        digital.website(made, "worcs", 2024)[0]
        .table()
        .equals(digital.website(down, "worcs", 2024)[0].table())
    )
    assert stored(made) == stored(down)


# --- YouTube Studio ---------------------------------------------------------------------------

CHART = (
    "Date,Content,Video title,Video publish time,Duration,Views,Average view duration,"
    "Impressions click-through rate (%)\n"
    '2024-01-03, -x1Ab,HW SENDIASS Meet the Team,"Sep 27, 2023",95,4,0:01:02,3.1\n'
    '2024-01-20,abc123,The Family Conversation,"Oct 1, 2023",300,6,0:02:10,2.5\n'
    '2024-01-21, -x1Ab,HW SENDIASS Meet the Team,"Sep 27, 2023",95,3,0:00:40,0\n'
    '2024-02-02,abc123,The Family Conversation,"Oct 1, 2023",300,7,0:03:00,4\n'
)


def test_youtube_chart_data_gives_views_per_month_and_video(tmp_path):
    path = write(tmp_path, "export (3).csv", CHART)
    _, found = native.recognise(path)
    assert found.source == "YouTube Studio chart data"
    assert [str(d) for d in found.period] == ["2024-01-03", "2024-02-02"]
    assert any(u.startswith("Average view duration") for u in found.unused)
    con = loaded(tmp_path, path, "chart")
    assert sorted(stored(con)) == [
        (_d(2024, 1), "joint", "YouTube", "Views", "HW SENDIASS Meet the Team", 7),
        (_d(2024, 1), "joint", "YouTube", "Views", "The Family Conversation", 6),
        (_d(2024, 2), "joint", "YouTube", "Views", "The Family Conversation", 7),
    ]
    assert "x1Ab" not in str(stored(con))  # the video id is not stored when there is a title


def test_youtube_totals_resaved_by_excel_in_windows_1252(tmp_path):
    """Excel rewrote the dates (13-06-2025, 3-Jun-26) and saved Windows-1252; blank days skipped."""
    text = "Date,Views\n13-06-2025,12\n14-06-2025,\n30-06-2025,8\n3-Jul-25,5\n"
    path = write(tmp_path, "Totals.csv", text, "cp1252")
    _, found = native.recognise(path)
    assert found.source == "YouTube Studio totals"
    con = loaded(tmp_path, path, "totals")
    assert sorted(stored(con)) == [
        (_d(2025, 6), "joint", "YouTube", "Views", None, 20),
        (_d(2025, 7), "joint", "YouTube", "Views", None, 5),
    ]
    text = "Date,Content,Video title,Views\n3-Jun-26,abc,Café Meet the Team,9\n"
    con = loaded(tmp_path, write(tmp_path, "chart.csv", text, "cp1252"), "chart1252")
    assert stored(con) == [(_d(2026, 6), "joint", "YouTube", "Views", "Café Meet the Team", 9)]


def test_youtube_table_data_has_no_period_so_nothing_is_counted(tmp_path):
    text = (
        "Content,Video title,Video publish time,Duration,Subscribers,Views,Watch time (hours)\n"
        "Total,,,,-2,340,12.5\n"
        ' -x1Ab,HW SENDIASS Meet the Team,"Sep 27, 2023",95,-1,200,8.1\n'
        'abc123,The Family Conversation,"Oct 1, 2023",300,-1,140,4.4\n'
    )
    path = write(tmp_path, "Table data.csv", text)
    _, found = native.recognise(path)
    assert found.source == "YouTube Studio table data"
    assert any(u.startswith("Subscribers (a net change") for u in found.unused)
    con = loaded(tmp_path, path, "table")
    assert stored(con) == []
    assert con.execute("SELECT row_number, reason FROM rejects ORDER BY 1").fetchall() == [
        (1, "total_row"),
        (2, "missing_required"),
        (3, "missing_required"),
    ]


# --- Meta Business Suite ----------------------------------------------------------------------

POSTS = (
    "Post ID,Page ID,Page name,Title,Description,Duration (sec),Publish time,Caption type,Permalink,"
    'Post type,Date,Reach,"Reactions, Comments and Shares",'
    "Reactions,Comments,Shares,Link clicks,Total clicks\n"
    '111,9,HW SENDIASS,,"Join our EHCP workshop!\nBook now, places limited",,01/05/2024 13:58,,'
    "https://facebook.com/1,Photos,Lifetime,8000,300,250,30,20,200,400\n"
    '112,9,HW SENDIASS,,"Jane Smith said thanks",,01/21/2024 09:00,,https://facebook.com/2,Links,Lifetime,'
    "6500,280,200,50,30,126,300\n"
    "113,9,HW SENDIASS,,Half term,,02/02/2024 10:00,,https://facebook.com/3,Photos,Lifetime,13900,536,500,20,16,475,600\n"
)


def account_export(metric: str, rows: list[tuple[str, str]]) -> bytes:
    text = f'sep=,\n"{metric}"\n"Date","Primary"\n' + "".join(f'"{d}","{v}"\n' for d, v in rows)
    return codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")


def test_meta_post_export_sums_posts_per_month_and_keeps_no_caption(tmp_path):
    path = write(tmp_path, "Jan-Feb.csv", POSTS)
    _, found = native.recognise(path)
    assert found.source == "Meta Business Suite Facebook post export"
    assert any(u.startswith("Description (text or a name") for u in found.unused)
    con = loaded(tmp_path, path, "posts")
    assert sorted(stored(con)) == sorted(
        [
            (_d(2024, 1), "joint", "Facebook", "Post Reach", None, 14500),
            (_d(2024, 1), "joint", "Facebook", "Engagement", None, 580),
            (_d(2024, 1), "joint", "Facebook", "Link Clicks", None, 326),
            (_d(2024, 2), "joint", "Facebook", "Post Reach", None, 13900),
            (_d(2024, 2), "joint", "Facebook", "Engagement", None, 536),
            (_d(2024, 2), "joint", "Facebook", "Link Clicks", None, 475),
        ]
    )
    text = (tmp_path / "posts.duckdb").read_bytes()
    assert b"Jane Smith" not in text and b"workshop" not in text and b"HW SENDIASS" not in text


def test_meta_posts_give_the_same_figures_as_the_hand_made_extract(tmp_path):
    hand = (
        "Month,Scope,Platform,Measure,Video Title,Value\n"
        "Jan-24,joint,Facebook,Post Reach,,14500\nJan-24,joint,Facebook,Engagement,,580\n"
        "Jan-24,joint,Facebook,Link Clicks,,326\nFeb-24,joint,Facebook,Post Reach,,13900\n"
        "Feb-24,joint,Facebook,Engagement,,536\nFeb-24,joint,Facebook,Link Clicks,,475\n"
    )
    made = loaded(tmp_path, write(tmp_path, "digital_2024.csv", hand), "hand")
    down = loaded(tmp_path, write(tmp_path, "posts.csv", POSTS), "down")
    assert sorted(stored(made)) == sorted(stored(down))
    mine = {c.channel: c.months for c in digital.social_media(down, "worcs", 2024)}
    theirs = {c.channel: c.months for c in digital.social_media(made, "worcs", 2024)}
    assert (
        mine["Facebook"]
        .select(sorted(mine["Facebook"].columns))
        .equals(theirs["Facebook"].select(sorted(theirs["Facebook"].columns)))
    )


def test_meta_account_export_utf16_with_sep_line(tmp_path):
    path = tmp_path / "anything.csv"
    path.write_bytes(
        account_export(
            "Facebook follows",
            [("2025-08-01T00:00:00", "20"), ("2025-08-03T00:00:00", "5"), ("2025-09-01T00:00:00", "7")],
        )
    )
    _, found = native.recognise(path)
    assert found.source == "Meta Business Suite account metric (Facebook follows)"
    assert [str(d) for d in found.period] == ["2025-08-01", "2025-09-01"]
    con = loaded(tmp_path, path, "follows")
    assert sorted(stored(con)) == [
        (_d(2025, 8), "joint", "Facebook", "Follows", None, 25),  # the missing 2 Aug counts zero
        (_d(2025, 9), "joint", "Facebook", "Follows", None, 7),
    ]
    path.write_bytes(
        account_export(
            "Instagram followers", [("2025-08-01T00:00:00", "900"), ("2025-08-31T00:00:00", "912")]
        )
    )
    con = loaded(tmp_path, path, "followers")
    assert stored(con) == [(_d(2025, 8), "joint", "Instagram", "Followers", None, 912)]  # a level


def test_meta_account_export_resaved_by_excel(tmp_path):
    text = '"Views"\nDate,Primary\n13-06-2025,100\n14-06-2025,50\n3-Jul-25,7\n'
    con = loaded(tmp_path, write(tmp_path, "views.csv", text, "cp1252"), "resaved")
    assert sorted(stored(con)) == [
        (_d(2025, 6), "joint", "Facebook", "Views", None, 150),
        (_d(2025, 7), "joint", "Facebook", "Views", None, 7),
    ]


# --- make data and sendiass check -------------------------------------------------------------


def test_build_loads_downloads_from_the_raw_folder_once(raw_worcs, tmp_path):
    from sendiass_lib.ingest.build import build

    ga4_exploration(raw_worcs, "website 2024.csv")
    write(raw_worcs, "Chart data.csv", CHART)
    write(raw_worcs, "Facebook posts.csv", POSTS)
    (raw_worcs / "follows.csv").write_bytes(
        account_export("Facebook follows", [("2024-01-01T00:00:00", "3"), ("2024-01-09T00:00:00", "4")])
    )
    db_path = tmp_path / "built.duckdb"
    report = build(db_path)
    assert not report.failures and not report.skipped
    worcs = [r for r in report.results if r.file_name in {p.name for p in raw_worcs.iterdir()}]
    assert len(worcs) == 4
    for result in worcs:
        assert result.rows_in == result.rows_loaded + result.rows_rejected > 0
    con = duckdb.connect(str(db_path), read_only=True)
    before = con.execute("SELECT * FROM digital_metrics WHERE service = 'worcs' ORDER BY ALL").fetchall()
    loads = con.execute("SELECT count(*) FROM loads").fetchone()
    metrics = {
        m
        for (m,) in con.execute(
            "SELECT DISTINCT metric FROM digital_metrics WHERE service = 'worcs'"
        ).fetchall()
    }
    con.close()
    assert metrics >= {"Visitors", "Views", "Post Reach", "Follows"}
    again = build(db_path)
    assert not again.rebuilt and all(r.already_loaded for r in again.results)
    con = duckdb.connect(str(db_path), read_only=True)
    assert (
        con.execute("SELECT * FROM digital_metrics WHERE service = 'worcs' ORDER BY ALL").fetchall() == before
    )
    assert con.execute("SELECT count(*) FROM loads").fetchone() == loads
    con.close()


def run_check(capsys, path: Path, tmp_path: Path) -> tuple[int, str, str]:
    from sendiass_lib import cli

    code = cli.main(["check", str(path), "--service", "worcs", "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_check_names_the_source_and_period(capsys, tmp_path):
    code, out, _ = run_check(capsys, ga4_exploration(tmp_path, "export.csv"), tmp_path)
    assert code == 0
    said = "Download: Google Analytics 4 exploration, 1 Jan 2024 to 31 Dec 2024, feeds the Digital reach"
    assert said in out
    assert "Not used: the grand total row" in out
    path = tmp_path / "f.csv"
    path.write_bytes(account_export("Facebook follows", [("2025-08-01T00:00:00", "20")]))
    code, out, _ = run_check(capsys, path, tmp_path)
    assert "Meta Business Suite account metric (Facebook follows), 1 Aug 2025 to 1 Aug 2025" in out


def test_check_names_what_an_unrecognised_file_was_compared_with(capsys, tmp_path):
    code, _, err = run_check(capsys, write(tmp_path, "stats.csv", "Week,Hits\n1,20\n"), tmp_path)
    assert code != 0
    assert "not a download the workbench recognises" in err
    for name in ("Google Analytics 4", "YouTube Studio", "Meta Business Suite"):
        assert name in err


def test_a_youtube_studio_export_zip_is_read_from_its_chart_data(tmp_path):
    # Studio's Export downloads a zip of Table data.csv, Chart data.csv and Totals.csv: the chart
    # data (views by day and video) is what has a period, so the zip is read from it.
    import zipfile

    table = "Content,Video title,Views\nTotal,,20\nabc123,The Family Conversation,13\n"
    path = tmp_path / "Content 2024-01-01_2024-02-29 SENDIASS.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Table data.csv", table)
        archive.writestr("Chart data.csv", CHART)
        archive.writestr("Totals.csv", "Date,Views\n2024-01-03,4\n")
    _source, found = native.recognise(path)
    assert found.source == "YouTube Studio chart data (in a Studio export zip)"
    assert [str(d) for d in found.period] == ["2024-01-03", "2024-02-02"]
    con = loaded(tmp_path, path, "zip")
    assert sorted(stored(con)) == [
        (_d(2024, 1), "joint", "YouTube", "Views", "HW SENDIASS Meet the Team", 7),
        (_d(2024, 1), "joint", "YouTube", "Views", "The Family Conversation", 6),
        (_d(2024, 2), "joint", "YouTube", "Views", "The Family Conversation", 7),
    ]
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("Chart data.csv", CHART)  # no Table data.csv: not a Studio export
    assert native.recognise(other) is None or native.recognise(other)[1].source != found.source
