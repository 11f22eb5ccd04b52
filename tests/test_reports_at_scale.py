"""`make reports` at network scale: each service's latest year on its own, planning with a fixed few
queries whatever the number of service-years, and the kernel pool's per-page costs paid once."""

from __future__ import annotations

import os
import signal
import threading
import time

import duckdb
import nbformat
import pytest

from sendiass_lib import availability, config, db, publish
from sendiass_lib.publish import build, kernels

LATEST = {("2021", "bucks"), ("2024", "herefs"), ("2024", "worcs"), ("2024", "hw")}


class NoKernel:
    def close(self) -> None:
        pass


@pytest.fixture
def quick(monkeypatch):
    """Builds with pages and narratives made up on the spot (no kernel)."""

    def page(appendix, service, year, db_path, facts, kernel=None):
        return f'<main id="main"><p>{appendix.name} {service} {year}</p></main>'

    monkeypatch.setattr(publish.kernels, "Kernel", NoKernel)
    monkeypatch.setattr(publish.appendix, "render_appendix", page)
    monkeypatch.setattr(publish.narrative_job, "render_narrative", lambda *args: "<h2>The year</h2>")


def folders(out, name: str) -> set[tuple[str, str]]:
    return {p.relative_to(out).parts[:2] for p in out.glob(f"*/*/{name}")}


def test_reports_latest_builds_each_service_and_groups_latest_year_only(sample_db, tmp_path, quick):
    result = publish.build_all(db_path=sample_db, out_dir=tmp_path, progress=lambda _: None, latest=True)
    assert result.failures == []
    assert folders(tmp_path, "index.html") == LATEST
    assert folders(tmp_path, "report.html") == LATEST
    index = (tmp_path / "index.html").read_text()
    assert 'href="2024/worcs/reasons.html"' in index and 'href="2023/worcs/index.html"' not in index
    assert 'href="2024/hw/report.html"' in index and 'href="2021/bucks/report.html"' in index


def test_reports_latest_leaves_earlier_years_built_before_and_still_lists_them(sample_db, tmp_path, quick):
    publish.build_all(db_path=sample_db, out_dir=tmp_path, progress=lambda _: None)
    seen: list[str] = []
    again = publish.build_all(
        db_path=sample_db, out_dir=tmp_path, force=True, progress=seen.append, latest=True
    )
    rebuilt = {tuple(line.split(":")[0].split()) for line in seen if ": built " in line}
    assert rebuilt == {("bucks", "2021"), ("herefs", "2024"), ("worcs", "2024")}
    assert again.built == 25 and again.failures == []  # the latest years' pages: 5 + 10 + 10
    index = (tmp_path / "index.html").read_text()
    assert 'href="2022/herefs/reasons.html"' in index and 'href="2019/bucks/index.html"' in index
    assert 'href="2023/hw/report.html"' in index


def test_planning_every_service_year_asks_the_database_a_fixed_few_queries(sample_db, tmp_path, monkeypatch):
    counted: list[int] = []

    class Counting:
        """A connection that counts the statements it runs."""

        def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
            self.con, self.statements = con, 0
            counted.append(0)

        def execute(self, *args, **kwargs):
            counted[-1] += 1
            return self.con.execute(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.con.close()

    connect = db.connect
    monkeypatch.setattr(db, "connect", lambda path: Counting(connect(path)))
    monkeypatch.setattr(build, "render_all", lambda jobs, db_path: iter(()))
    monkeypatch.setattr(build.groups, "groups", dict)  # services only: a group's plan asks per member
    publish.build_all(db_path=sample_db, out_dir=tmp_path / "all", progress=lambda _: None)
    publish.build_all(db_path=sample_db, out_dir=tmp_path / "latest", progress=lambda _: None, latest=True)
    # 9 service-years (62 pages), then 3: years, extracts, one query for all label requirements
    # and one for each other table (evaluations, training, digital, service figures), each time.
    assert counted == [7, 7]


def test_pages_of_many_service_years_are_each_service_years_own(sample_db):
    with db.connect(sample_db) as con:
        wanted = {slug: list(range(2018, 2026)) for slug in config.services()}  # with years of no data
        together = availability.pages_of(con, wanted)
        assert len(together) == 3 * 8
        for (service, year), pages in together.items():
            own = [
                a
                for a in availability.appendices()
                if not a.requires or availability.has_data(con, service, year, a.requires)
            ]
            assert pages == own, (service, year)
        assert [a.name for a in together[("bucks", 2021)]] == [
            "headline",
            "involvements",
            "evaluations",
            "service",
            "data_quality",
        ]


def test_a_service_years_pages_run_on_one_kernel_in_order_unless_another_would_be_idle(monkeypatch):
    made: list[str] = []

    class Named:
        def __init__(self) -> None:
            self.name = f"k{len(made)}"
            made.append(self.name)

        def close(self) -> None:
            pass

    # Jobs that wait for each other, so that which kernel runs what does not depend on timing.
    gates = {0: threading.Barrier(2), 2: threading.Barrier(2)}

    def run(job, kernel):
        if job[1] in gates:  # both first pages run at once, then both last pages
            gates[job[1]].wait(timeout=5)
        return kernel.name

    monkeypatch.setattr(kernels, "Kernel", Named)
    monkeypatch.setattr(kernels, "WORKERS", 2)
    jobs = [("a", i) for i in range(3)] + [("b", i) for i in range(3)]
    done = list(kernels.run_on_pool(jobs, run, lambda job: job[0]))
    assert all(error is None for _, _, error, _ in done)
    on = {job: name for job, name, _, _ in done}
    assert on[("a", 0)] == on[("a", 1)] == on[("a", 2)] != on[("b", 0)] == on[("b", 1)] == on[("b", 2)]
    order = [job for job, _, _, _ in done]
    assert [job for job in order if job[0] == "a"] == jobs[:3]  # in their order

    lone = [("c", i) for i in range(4)]  # one service-year: the idle kernel takes its last page
    both = threading.Barrier(2)
    gates = {0: both, 3: both}  # (c, 3) starts while (c, 0) runs
    done = list(kernels.run_on_pool(lone, run, lambda job: job[0]))
    assert all(error is None for _, _, error, _ in done)
    on = {job: name for job, name, _, _ in done}
    assert on[("c", 0)] != on[("c", 3)] and len(done) == 4


def test_a_kernel_keeps_its_client_and_each_page_starts_from_an_empty_namespace(sample_db):
    def notebook(code: str):
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])

    kernel = kernels.Kernel()
    try:
        first = kernel.client()
        kernel.execute(notebook("secret = 1"))
        kernel.reset(str(sample_db))
        done = kernel.execute(notebook("print('secret' in dir())"))
        assert done.cells[0].outputs[0]["text"].strip() == "False"  # the page before is gone
        assert kernel.client() is first
        os.kill(kernel.km.provisioner.pid, signal.SIGKILL)  # a kernel that died after a page
        deadline = time.monotonic() + 10
        while kernel.km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        again = kernel.execute(notebook("print(2)"))
        assert again.cells[0].outputs[0]["text"].strip() == "2" and kernel.client() is not first
    finally:
        kernel.close()
