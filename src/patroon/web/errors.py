"""Error pages: problem+json under /api/, a calm HTML page elsewhere."""

from __future__ import annotations

from django.shortcuts import render

from patroon.api.problems import problem_response


def _respond(request, status: int, detail: str):
    if request.path.startswith("/api/"):
        return problem_response(status, detail, request.path)
    return render(request, "web/error.html", {"status": status}, status=status)


def bad_request(request, exception=None):
    return _respond(request, 400, "Bad request.")


def permission_denied(request, exception=None):
    return _respond(request, 403, "You do not have access to this.")


def page_not_found(request, exception=None):
    return _respond(request, 404, "Not found.")


def server_error(request):
    return _respond(request, 500, "Something went wrong on our side; it has been logged.")
