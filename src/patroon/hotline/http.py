"""The client's address, as the hotline's rate limits see it (only ever stored hashed)."""

from __future__ import annotations


def client_address(request) -> str:
    # Behind a reverse proxy REMOTE_ADDR is the proxy: configure the proxy to set it (uvicorn
    # --proxy-headers with --forwarded-allow-ips), never trust X-Forwarded-For from anyone.
    return request.META.get("REMOTE_ADDR", "")
