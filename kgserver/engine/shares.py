"""A fair share of the query workers per client: one client cannot hold them all."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from .errors import EndpointBusy


class ClientShares:
    """Count the workers each client holds; make a client past its share wait for its own.

    :param share: workers one client may hold at once.
    :param size: workers in all (for the message).
    """

    def __init__(self, share: int, size: int):
        self.share, self.size = share, size
        self._held: dict[str, int] = {}
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, client: str | None, deadline: float, limit: float):
        """Hold one of ``client``'s share while the block runs (None: no client, no limit).

        Yields how many workers the client holds with this one (1: it runs no other query;
        0 for no client).

        :raises EndpointBusy: when the client's share stayed full until ``deadline``.
        """
        if client is None:
            yield 0
            return
        with self._changed:
            while self._held.get(client, 0) >= self.share:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise EndpointBusy(
                        f"this client already runs {self.share} queries at once, its share of the "
                        f"{self.size} query workers, and none ended within {limit:g} s; try again later"
                    )
                self._changed.wait(left)
            held = self._held[client] = self._held.get(client, 0) + 1
        try:
            yield held
        finally:
            with self._changed:
                count = self._held.pop(client, 1) - 1
                if count > 0:
                    self._held[client] = count
                self._changed.notify_all()
