"""Logging filters for delivery: one failing cache must not flood the log."""

import logging
import threading
import time


class OncePerInterval(logging.Filter):
    """Let one record through per `seconds`, drop the rest.

    django-redis logs every cache operation it ignores; while Redis is down that is
    several records per request. One a minute says the cache is failing just as well.
    """

    def __init__(self, seconds: float = 60.0) -> None:
        super().__init__()
        self.seconds = seconds
        self._last = float("-inf")
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last < self.seconds:
                return False
            self._last = now
            return True
