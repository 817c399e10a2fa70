"""A fixed-window rate limit in the cache: ``limit`` uses per client and scope in a window that
opens with the first use; the rest are refused with the seconds until it closes; other clients
and other scopes are counted apart; after the window the client starts afresh."""

from __future__ import annotations

import time

from govhall.core.rate_limits import RateLimitVerdict, rate_limit_hit


def hit(client: str = "192.0.2.1", scope: str = "lookup", window: int = 600) -> RateLimitVerdict:
    return rate_limit_hit(scope=scope, client=client, limit=2, window_seconds=window)


def test_the_uses_past_the_limit_are_refused_until_the_window_closes() -> None:
    verdicts = [hit() for _use in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert 599 <= verdicts[2].retry_after <= 600
    assert hit(client="192.0.2.2").allowed
    assert hit(scope="verify").allowed


def test_a_new_window_opens_after_the_last_one_closed() -> None:
    assert [hit(window=1).allowed for _use in range(3)] == [True, True, False]
    time.sleep(1.1)
    assert hit(window=1) == RateLimitVerdict(allowed=True, retry_after=1)
