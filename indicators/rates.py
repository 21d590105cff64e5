"""Rates and rate ratios, worked out the way the official statistics are. No Django.

- A **rate per 1,000** is events ÷ residents x 1,000.
- A **rate ratio** is one group's rate ÷ the reference group's rate (the White rate): "Black
  people were 4.1 times as likely to be searched".
- Its **95% confidence interval** uses the log-normal (Katz) approximation for a ratio of two
  Poisson rates with known denominators: the standard error of ln(ratio) is
  √(1/a + 1/b), where a and b are the two counts, and the interval is
  ratio x exp(±1.96 x that error). It says how far chance alone could move a ratio built on
  these counts; it needs at least one event in each group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054
# Fewer events than this make a rate unreliable (the Office for National Statistics' rule
# for rates: "fewer than 20 events").
SMALL_COUNT = 20
# An interval whose upper end is more than twice its lower end says little about the size of
# the disparity.
WIDE_INTERVAL = 2.0


def rate_per_1000(events: int | None, population: int | None) -> float | None:
    """Events per 1,000 residents; ``None`` when either figure is unknown or there are no
    residents to divide by."""
    if events is None or not population:
        return None
    return events / population * 1000


@dataclass(frozen=True, slots=True)
class RateRatio:
    ratio: float
    lower: float | None
    upper: float | None

    @property
    def is_wide(self) -> bool:
        """True when the interval is missing or its upper end exceeds ``WIDE_INTERVAL``
        times its lower end."""
        if self.lower is None or self.upper is None:
            return True
        return self.lower == 0 or self.upper / self.lower > WIDE_INTERVAL


def rate_ratio(
    events: int | None,
    population: int | None,
    reference_events: int | None,
    reference_population: int | None,
    z: float = Z_95,
) -> RateRatio | None:
    """The ratio of ``events / population`` to ``reference_events / reference_population``
    with its log-normal confidence interval. ``None`` when either rate is unknown or the
    reference rate is zero; no interval (``lower`` and ``upper`` ``None``) when ``events``
    is zero, since the logarithm of zero has none."""
    rate = rate_per_1000(events, population)
    reference = rate_per_1000(reference_events, reference_population)
    if rate is None or not reference:
        return None
    ratio = rate / reference
    if events == 0:
        return RateRatio(ratio, None, None)
    error = math.sqrt(1 / events + 1 / reference_events)
    return RateRatio(ratio, ratio * math.exp(-z * error), ratio * math.exp(z * error))
