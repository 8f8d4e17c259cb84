"""The in-memory channel layer of the embedded default, made to scale to a thousand sockets.

Channels' ``InMemoryChannelLayer`` walks every channel and every group membership on each
``receive`` to expire old entries: with 1,000 chat sockets that is thousands of steps per
delivered message. Here the walk runs at most once a second; expiry is measured in seconds
(message expiry 60 s, group expiry a day), so nothing changes but the cost.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer


class ThrottledInMemoryChannelLayer(InMemoryChannelLayer):
    _last_clean = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._last_clean < 1.0:
            return
        self._last_clean = now
        super()._clean_expired()
