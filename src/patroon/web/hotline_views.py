"""Web pages of the hotline: the public pages (no account, no cookie) and the operator
console. Thin, over the hotline services and selectors.

The public pages set no cookie at all: the language is chosen with ``?lang=en`` in the
address, forms are checked by their Origin instead of a CSRF cookie, and a reporter's open
conversation is carried by a signed token inside the page, not in a session.
"""

from __future__ import annotations

import uuid
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.accounts.catalogue import regions
from patroon.accounts.permissions import Capability
from patroon.hotline import selectors, services, workflow
from patroon.hotline.consumers import broadcast
from patroon.hotline.danger import phrasebook
from patroon.hotline.http import client_address
from patroon.hotline.models import Conversation
from patroon.signals.selectors import referrals_sent
from patroon.web.auth import verified_required
from patroon.web.labels import HOTLINE_LABELS, vocabulary_labels

INFO_PAGES = ("signs", "bystanders", "after-report", "call-112", "privacy")
EXIT_URL_DEFAULT = "https://www.buienradar.nl/"


# ---------------------------------------------------------------- public pages


def _same_origin(request) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        # Old browsers send none; same-origin Referer then, or nothing at all.
        referer = request.headers.get("Referer", "")
        return not referer or urlsplit(referer).netloc == request.get_host()
    return urlsplit(origin).netloc == request.get_host()


def public(view):
    """No cookie, no cache; the language from ``?lang=``; POSTs only from this site."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        lang = request.POST.get("lang") or request.GET.get("lang") or ""
        lang = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        if request.method == "POST" and not _same_origin(request):
            return HttpResponseForbidden("cross-site form post refused")
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["Content-Language"] = lang
        return response

    return wrapper


def _context(request, **extra) -> dict:
    lang = request.LANGUAGE_CODE
    return {
        "hl_lang": lang,
        "hl_other_lang": "en" if lang == "nl" else "nl",
        "hl_query": "" if lang == settings.LANGUAGE_CODE else f"?lang={lang}",
        "exit_url": getattr(settings, "PATROON_HOTLINE_EXIT_URL", EXIT_URL_DEFAULT),
        "answer_hours": settings.PATROON_HOTLINE_ANSWER_HOURS,
        **extra,
    }


@public
@require_GET
def home(request):
    return render(
        request,
        "web/hotline_home.html",
        _context(request, online=services.operators_online(), pages=INFO_PAGES),
    )


@public
@require_GET
def info(request, page: str):
    if page not in INFO_PAGES:
        raise Http404
    lang = request.LANGUAGE_CODE
    content = select_template(
        [f"web/hotline_content_{page}_{lang}.html", f"web/hotline_content_{page}_nl.html"]
    )
    titles = {
        "signs": _("How to recognise the signs"),
        "bystanders": _("What you can do as a bystander"),
        "after-report": _("What happens after a report"),
        "call-112": _("When to call 112"),
        "privacy": _("Privacy and safety on this site"),
    }
    return render(
        request,
        "web/hotline_info.html",
        _context(
            request,
            page=page,
            title=titles[page],
            content_template=content.template.name,
            pages=INFO_PAGES,
            titles=titles,
            phrases_version=phrasebook().version,
        ),
    )


def _report_form(request, errors=None, values=None, status=200):
    pow_bits = settings.PATROON_HOTLINE_POW_BITS
    return render(
        request,
        "web/hotline_report.html",
        _context(
            request,
            errors=errors or {},
            values=values or {},
            pow_bits=pow_bits,
            pow_challenge=services.pow_challenge() if pow_bits else "",
            max_chars=settings.PATROON_HOTLINE_MAX_CHARS,
            kinds=Conversation.ReporterKind.values,
            urgencies=Conversation.Urgency.values,
        ),
        status=status,
    )


def _limited(request, exc, template="web/hotline_report.html"):
    minutes = max(1, exc.retry_after // 60)
    response = render(
        request,
        "web/hotline_limited.html",
        _context(request, minutes=minutes, locked=isinstance(exc, services.Locked)),
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@public
@require_http_methods(["GET", "POST"])
def report(request):
    if request.method == "GET":
        return _report_form(request, values={"urgency": "soon"})
    post = request.POST
    values = {k: post.get(k, "") for k in ("text", "reporter_kind", "urgency", "about")}
    errors = {}
    if not values["text"].strip():
        errors["text"] = _("Please write what is happening.")
    elif len(values["text"]) > settings.PATROON_HOTLINE_MAX_CHARS:
        errors["text"] = _("Please keep it under %(max)s characters.") % {
            "max": settings.PATROON_HOTLINE_MAX_CHARS
        }
    if values["reporter_kind"] not in Conversation.ReporterKind.values:
        errors["reporter_kind"] = _("Please choose who you are.")
    if values["urgency"] not in Conversation.Urgency.values:
        errors["urgency"] = _("Please choose how urgent it is.")
    passphrase = post.get("passphrase", "")
    if passphrase.strip() and len(" ".join(passphrase.split())) < 10:
        errors["passphrase"] = _("A passphrase needs at least 10 characters.")
    if errors:
        return _report_form(request, errors, values, status=400)
    try:
        submitted = services.submit_report(
            text=values["text"],
            reporter_kind=values["reporter_kind"],
            urgency=values["urgency"],
            about=values["about"],
            passphrase=passphrase,
            client_address=client_address(request),
            honeypot=post.get("website", ""),
            pow_challenge_value=post.get("pow_challenge", ""),
            pow_answer=post.get("pow_answer", ""),
        )
    except (services.RateLimited, services.Locked) as exc:
        return _limited(request, exc)
    except services.Rejected:
        errors["text"] = _("Your report could not be sent. Please check it and try again.")
        return _report_form(request, errors, values, status=400)
    return render(
        request,
        "web/hotline_receipt.html",
        _context(
            request,
            conversation=submitted.conversation,
            passphrase=submitted.passphrase,
            danger=bool(submitted.danger),
            token=submitted.token,
            online=services.operators_online(),
            client_id=uuid.uuid4().hex,
            last_seq=1,
        ),
        status=201,
    )


def _thread_page(request, conversation, *, status=200, error=""):
    return render(
        request,
        "web/hotline_thread.html",
        _context(
            request,
            conversation=conversation,
            thread=selectors.reporter_thread(conversation),
            token=services.thread_token(conversation.pk),
            online=services.operators_online(),
            danger=conversation.danger,
            error=error,
            client_id=uuid.uuid4().hex,
            last_seq=conversation.last_seq,
        ),
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
def return_to(request):
    if request.method == "GET":
        return render(request, "web/hotline_return.html", _context(request))
    try:
        conversation = services.open_thread(
            request.POST.get("reference_code", ""),
            request.POST.get("passphrase", ""),
            client_address(request),
        )
    except (services.RateLimited, services.Locked) as exc:
        return _limited(request, exc)
    except services.BadCredentials:
        return render(
            request,
            "web/hotline_return.html",
            _context(
                request,
                error=_("We could not find a conversation with this code and passphrase."),
                code=request.POST.get("reference_code", "")[:40],
            ),
            status=403,
        )
    return _thread_page(request, conversation)


@public
@require_POST
def thread_write(request):
    try:
        conversation = services.conversation_for_token(request.POST.get("token", ""))
    except services.BadCredentials:
        return render(
            request,
            "web/hotline_return.html",
            _context(
                request, error=_("Your page was open too long. Please enter your code again.")
            ),
            status=403,
        )
    try:
        message, created = services.reporter_message(
            conversation.pk,
            request.POST.get("text", ""),
            request.POST.get("client_id", ""),
            client_address(request),
        )
        if created:
            broadcast(conversation.pk, message)
    except (services.RateLimited, services.Locked) as exc:
        return _limited(request, exc)
    except services.Rejected:
        return _thread_page(
            request, conversation, status=400, error=_("Please write a message (not too long).")
        )
    conversation.refresh_from_db()
    return _thread_page(request, conversation)


# ---------------------------------------------------------------- operator console


def _guarded(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except NotVisible as exc:
            raise Http404 from exc

    return verified_required(wrapper)


@_guarded
@require_GET
def console(request):
    actor = request.actor
    queue = selectors.queue(actor)
    services.touch_presence(actor)
    template = "web/_hotline_queue.html" if request.headers.get("HX-Request") else None
    return render(
        request,
        template or "web/hotline_console.html",
        {
            "queue": queue,
            "closed": selectors.recently_closed(actor),
            "hotline_labels": HOTLINE_LABELS,
            "can_figures": actor.can(Capability.HOTLINE_FIGURES),
        },
    )


def _detail_context(request, conversation_id) -> dict:
    actor = request.actor
    view = selectors.conversation_detail(actor, conversation_id)
    c = view.conversation
    return {
        "view": view,
        "c": c,
        "mine": c.state == workflow.CLAIMED and c.claimed_by == actor.username,
        "labels": vocabulary_labels(),
        "hotline_labels": HOTLINE_LABELS,
        "coded": [b for b in c.behaviours.split(",") if b],
        "outcomes": workflow.OUTCOMES,
        "regions": regions(),
        "referrals": referrals_sent(actor, c.signal_id),
        "client_id": uuid.uuid4().hex,
    }


@_guarded
@require_GET
def conversation(request, conversation_id):
    services.require_operator(request.actor)
    return render(
        request, "web/hotline_conversation.html", _detail_context(request, conversation_id)
    )


def _persons_from_post(post) -> list[dict]:
    persons = []
    for prefix, role in (("victim", "victim"), ("perpetrator", "alleged_perpetrator")):
        person = {"role": role}
        for field in ("given_names", "surname", "date_of_birth", "sex", "postcode", "city"):
            value = post.get(f"{prefix}-{field}", "").strip()
            if value:
                person[field] = value
        if len(person) > 1 or role == "victim":
            persons.append(person)
    return persons


@_guarded
@require_POST
def conversation_act(request, conversation_id, act: str):
    actor = request.actor
    post = request.POST
    try:
        if act == "claim":
            services.claim(actor, conversation_id)
        elif act == "reply":
            message, created = services.operator_reply(
                actor, conversation_id, post.get("text", ""), post.get("client_id", "")
            )
            if created:
                broadcast(conversation_id, message)
        elif act == "handover":
            services.hand_over(
                actor, conversation_id, post.get("note", ""), post.get("to", "").strip()
            )
            messages.success(request, _("Handed over."))
            return redirect("web:hotline-console")
        elif act == "coding":
            services.code_conversation(
                actor, conversation_id, post.getlist("behaviours"), post.get("relationship", "")
            )
        elif act == "consent":
            services.record_consent(actor, conversation_id, post.get("given") == "yes")
        elif act == "signal":
            signal_id = services.convert_to_signal(
                actor,
                conversation_id,
                persons=_persons_from_post(post),
                occurred_start=post.get("occurred_start", ""),
                narrative=post.get("narrative", ""),
            )
            messages.success(request, _("Recorded as a signal of the helpline."))
            return redirect("web:signal-detail", signal_id=signal_id)
        elif act == "forward":
            region = post.get("region", "")
            if services.forward_to_veilig_thuis(actor, conversation_id, region):
                messages.success(request, _("Sent to Veilig Thuis: it appears in their referrals."))
            else:
                messages.warning(
                    request,
                    _(
                        "Veilig Thuis %(region)s is not connected to Patroon: pass the report "
                        "on by phone. Your decision to forward it is recorded."
                    )
                    % {"region": regions().get(region, region)},
                )
        elif act == "close":
            services.close(actor, conversation_id, post.get("outcome", ""))
            messages.success(request, _("Conversation closed."))
            return redirect("web:hotline-console")
        else:
            raise Http404
    except services.ConsentMissing:
        messages.error(request, _("Record the reporter's consent first."))
    except services.SignalMissing:
        messages.error(
            request, _("Record the conversation as a signal first: that is what Veilig Thuis gets.")
        )
    except services.ConversionInvalid as exc:
        from patroon.signals.messages import render as render_error

        messages.error(
            request,
            _("The signal is not complete: %(errors)s")
            % {"errors": "; ".join(render_error(e) for e in exc.errors)},
        )
    except workflow.NotAllowed:
        messages.error(request, _("Not possible now: claim the conversation first."))
    except services.HotlineError:
        messages.error(request, _("Please check what you entered."))
    return redirect(reverse("web:hotline-conversation", args=[conversation_id]) + "#actions")


@_guarded
@require_GET
def figures(request):
    rows = selectors.response_figures(request.actor)
    return render(request, "web/hotline_figures.html", {"rows": rows})
