"""Errors as RFC 9457 ``application/problem+json``, with each invalid field listed."""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler

from patroon.accounts.access import AccessDenied, NotVisible

PROBLEM_TYPE = "https://patroon.nl/problems/"
CONTENT_TYPE = "application/problem+json"


def problem_response(status: int, detail: str, instance: str, invalid_params=None, headers=None):
    body = {
        "type": f"{PROBLEM_TYPE}{HTTPStatus(status).phrase.lower().replace(' ', '-')}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if invalid_params:
        body["invalid-params"] = invalid_params
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _flatten(detail, prefix: str = ""):
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(detail, list):
        for item in detail:
            yield from _flatten(item, prefix)
    else:
        yield {
            "name": prefix or "body",
            "code": getattr(detail, "code", "invalid"),
            "reason": str(detail),
        }


def problem_exception_handler(exc, context):
    request = context.get("request")
    instance = request.get_full_path() if request else ""
    if isinstance(exc, AccessDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, NotVisible):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    invalid = None
    if isinstance(exc, exceptions.ValidationError):
        invalid = list(_flatten(exc.detail))
        detail = "The request has invalid fields; see invalid-params."
    else:
        detail = str(getattr(exc, "detail", "")) or HTTPStatus(response.status_code).phrase
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}
    return problem_response(response.status_code, detail, instance, invalid, headers)
