"""Two-step sign-in: password (with django-axes lock-out), then a TOTP code.

A user without a confirmed authenticator is sent to enrolment first; no page with personal
data opens until ``request.user.is_verified()``.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from patroon.accounts.actor import actor_for_user
from patroon.accounts.services import confirmed_totp_device


def verified_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('web:login')}?{urlencode({'next': request.path})}")
        if not user.is_verified():
            if confirmed_totp_device(user) is None:
                return redirect("web:otp-enrol")
            return redirect("web:otp-verify")
        request.actor = actor_for_user(user)
        return view(request, *args, **kwargs)

    return wrapper
