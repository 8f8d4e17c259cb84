"""ASGI entry point: Django's pages over HTTP and the hotline's live chat over WebSocket.

``make run`` serves this with uvicorn. With REDIS_URL set the chat's channel layer is Redis,
so several worker processes can serve it; without it one process keeps the layer in memory.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patroon.settings")
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 - needs Django set up first
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from patroon.hotline.consumers import ChatConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([path("ws/hotline/", ChatConsumer.as_asgi())]))
        ),
    }
)
