"""NL API Design Rules: every API response carries the full version in ``API-version``."""

from __future__ import annotations

from django.conf import settings


class ApiVersionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-version"] = settings.API_VERSION
        return response
