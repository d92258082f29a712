"""Bot API requests that survive a transient failure: retried, with a bounded backoff.

python-telegram-bot retries nothing by itself except `RetryAfter` (429) in `AIORateLimiter`,
so one 502 or one dropped connection on `sendMessage` would lose an answer. `RetryingRequest`
retries at the HTTP layer, below the rate limiter, so every Bot API call gets the same policy:

* retried: network errors (refused or dropped connections), timeouts and 5xx answers;
* never retried: any other answer (2xx, 4xx; 429 is left to `AIORateLimiter`);
* at most `attempts` tries, waiting `first_delay`, then twice as long each time, and no new
  attempt is started once `budget` seconds have passed since the first.

A request that timed out or lost its connection after Telegram received it may already have
been carried out; retrying it can then send a message twice. An answer sent twice is the
lesser harm than an answer lost, so those are retried too.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData

logger = logging.getLogger(__name__)

ATTEMPTS = 3
FIRST_DELAY = 0.5  # seconds; then 1.0
BUDGET = 10.0  # seconds after which no new attempt is started


class RetryingRequest(HTTPXRequest):
    """An `HTTPXRequest` that retries network errors, timeouts and 5xx answers."""

    def __init__(
        self,
        *args: object,
        attempts: int = ATTEMPTS,
        first_delay: float = FIRST_DELAY,
        budget: float = BUDGET,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.attempts = attempts
        self.first_delay = first_delay
        self.budget = budget

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = HTTPXRequest.DEFAULT_NONE,
        write_timeout: object = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: object = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: object = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        endpoint = url.rstrip("/").rsplit("/", 1)[-1]  # the method name, never the token
        delay = self.first_delay
        failures: list[str] = []
        for attempt in range(1, self.attempts + 1):
            try:
                code, payload = await super().do_request(
                    url,
                    method,
                    request_data=request_data,
                    read_timeout=read_timeout,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                )
            except NetworkError as error:  # TimedOut is a NetworkError too
                if not self._may_retry(attempt, loop.time() - started, delay):
                    raise
                failures.append(f"{type(error).__name__}: {error}")
            else:
                if code < 500 or not self._may_retry(attempt, loop.time() - started, delay):
                    if failures and code < 500:
                        # A failure that ends in an exception is reported by whoever catches
                        # it; a recovered one is only visible here.
                        logger.warning(
                            "%s succeeded on attempt %d of %d after: %s",
                            endpoint,
                            attempt,
                            self.attempts,
                            "; ".join(failures),
                        )
                    return code, payload
                failures.append(f"HTTP {code}")
            logger.debug("%s failed (%s); retrying in %.1f s", endpoint, failures[-1], delay)
            await asyncio.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _may_retry(self, attempt: int, elapsed: float, delay: float) -> bool:
        return attempt < self.attempts and elapsed + delay < self.budget
