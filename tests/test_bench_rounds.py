"""The benchmark's load rounds: each page's ratio is taken against the floor measured just
before and just after it (bench/__main__.py, ``bracketed``)."""

from bench.__main__ import bracketed, summarise


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
