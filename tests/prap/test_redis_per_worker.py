"""Each pytest-xdist worker flushes a Redis test database of its own (tests/redis_db.py)."""

import pytest

from tests.redis_db import _for_this_worker


@pytest.mark.parametrize(
    ("worker", "expected"),
    [
        ("", "redis://127.0.0.1:6379/13"),
        ("gw0", "redis://127.0.0.1:6379/13"),
        ("gw1", "redis://127.0.0.1:6379/12"),
        ("gw7", "redis://127.0.0.1:6379/6"),
    ],
)
def test_each_worker_counts_down_from_the_given_database(worker, expected):
    assert _for_this_worker("redis://127.0.0.1:6379/13", worker) == expected


def test_a_worker_with_no_database_left_is_told_what_to_change():
    with pytest.raises(RuntimeError, match="TEST_REDIS_URL a higher database number"):
        _for_this_worker("redis://127.0.0.1:6379/1", "gw2")
