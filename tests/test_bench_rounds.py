"""The benchmark's rounds (bench/__main__.py). Under load, each page's ratio is taken against the
floor measured just before and just after it (``bracketed``); in process, each page's growth
from 1x to 10x within each round (``combine_rounds``, ``compare_scales``)."""

from bench.__main__ import (
    bracketed,
    combine_rounds,
    compare_scales,
    database_for,
    summarise,
    targets,
)


def test_each_page_is_compared_with_the_floor_run_on_either_side_of_it():
    driven = []
    # The machine slows down during the round: the floor falls from 1,000 to 600 requests/s,
    # and each page runs at 0.8 of the floor at its moment.
    speed = iter([1000, 720, 800, 560, 600] * 2)

    def drive_one(path):
        driven.append(path)
        return {"requests_per_second": next(speed)}

    found = dict(bracketed(["/healthz", "/a/", "/b/"], 2, drive_one))

    assert driven == ["/healthz", "/a/", "/healthz", "/b/", "/healthz"] * 2
    assert [run["ratio_to_healthz"] for run in found["/a/"]] == [0.8, 0.8]
    assert [run["healthz_around"] for run in found["/a/"]] == [900.0, 900.0]
    assert [run["ratio_to_healthz"] for run in found["/b/"]] == [0.8, 0.8]
    assert len(found["/healthz"]) == 6
    # Against the round's first floor alone, /b/ would have seemed at 0.56.
    first_floor = found["/healthz"][0]["requests_per_second"]
    assert found["/b/"][0]["requests_per_second"] / first_floor < 0.6


def test_the_summary_gives_the_median_ratio_and_its_spread_over_the_rounds():
    runs = [
        {
            "requests_per_second": rps,
            "ratio_to_healthz": ratio,
            "p50_ms": 1,
            "p95_ms": 2,
            "p99_ms": 3,
            "errors": 0,
        }
        for rps, ratio in ((700, 0.7), (900, 0.9), (800, 0.82))
    ]
    summary = summarise("/a/", runs)
    assert summary["ratio_to_healthz"] == 0.82
    assert summary["ratio_spread"] == "0.7-0.9"
    assert summary["requests_per_second"] == 800


def page_row(
    page: str, median: float, queries: int = 5, cached: float = 0.2, size: int = 1000
) -> dict:
    return {
        "page": page,
        "path": f"/{page}/",
        "status": 200,
        "bytes": size,
        "queries": queries,
        "cached_queries": 0,
        "median_ms": median,
        "p95_ms": median * 1.5,
        "cached_median_ms": cached,
        "cached_p95_ms": cached * 2,
        "peak_kib": "",
    }


def test_the_pages_of_each_scale_are_combined_over_the_rounds_by_their_median():
    rounds = [
        [page_row("home", 10), page_row("forces", 20)],
        [page_row("home", 30), page_row("forces", 22)],
        [page_row("home", 12), page_row("forces", 60)],
    ]
    home, forces = combine_rounds(rounds)
    assert (home["median_ms"], home["median_spread"]) == (12, "10-30")
    assert home["p95_ms"] == 18
    assert (forces["median_ms"], forces["median_spread"]) == (22, "20-60")
    assert [row["median_ms"] for row in forces["rounds"]] == [20, 22, 60]


def test_a_pages_growth_is_taken_within_each_round_so_a_slow_stretch_falls_on_both_sizes():
    # The machine is twice as slow in the second round; the page is 1.5x at 10x throughout.
    small = combine_rounds([[page_row("home", 10)], [page_row("home", 20)], [page_row("home", 10)]])
    big = combine_rounds([[page_row("home", 15)], [page_row("home", 30)], [page_row("home", 15)]])
    [row] = compare_scales(small, big)
    assert row["median_ratio"] == 1.5
    assert row["median_ratio_spread"] == "1.5-1.5"
    assert row["p95_ratio"] == 1.5
    assert row["same_queries"] is True
    # Had the 10x figures all come from the slow round, the medians alone would say 3x.
    assert 30 / small[0]["median_ms"] == 3


def test_a_page_whose_queries_differ_in_any_round_does_not_have_the_same_queries():
    small = combine_rounds([[page_row("home", 10, queries=5)], [page_row("home", 10, queries=5)]])
    big = combine_rounds([[page_row("home", 12, queries=5)], [page_row("home", 12, queries=6)]])
    [row] = compare_scales(small, big)
    assert row["same_queries"] is False


def test_each_scale_has_a_database_of_its_own():
    url = "postgres://postgres@127.0.0.1:5432/prap_bench"
    assert database_for(url, 1) == "postgres://postgres@127.0.0.1:5432/prap_bench_x1"
    assert database_for(url, 10) == "postgres://postgres@127.0.0.1:5432/prap_bench_x10"


def test_the_growth_targets_judge_pages_and_leave_the_file_of_every_row_to_its_memory():
    small = combine_rounds([[page_row("home", 10), page_row("deliverables.csv", 50)]])
    big = combine_rounds([[page_row("home", 25), page_row("deliverables.csv", 400)]])
    small[1]["path"] = big[1]["path"] = "/data/deliverables.csv"
    small[1]["peak_kib"], big[1]["peak_kib"] = 990, 1020
    report = {"scales": {}, "comparison": compare_scales(small, big)}

    found = {row["target"]: row for row in targets(report)}

    uncached = found["10x time <= 2x, every page (uncached)"]
    assert (uncached["figure"], uncached["met"]) == ("over: home 2.5x", False)
    assert found["CSV export peak memory flat (10x within 25%)"]["met"] is True


def test_a_pages_growth_in_time_is_shown_beside_its_growth_in_size():
    """A roadmap with ten times the deliverables is a page 7.5 times larger: its time is read
    against that, where a page of the same size that takes longer has only more data behind."""
    small = combine_rounds([[page_row("roadmap", 20, size=60_000), page_row("home", 10)]])
    big = combine_rounds([[page_row("roadmap", 60, size=450_000), page_row("home", 11)]])
    roadmap, home = compare_scales(small, big)
    assert (roadmap["bytes_ratio"], roadmap["median_ratio"]) == (7.5, 3.0)
    assert (home["bytes_ratio"], home["median_ratio"]) == (1.0, 1.1)
