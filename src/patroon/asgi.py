"""ASGI entry point: Django's pages over HTTP, the hotline's live chat over WebSocket and the
victim devices' endpoint (``/device/v1/``, see ``proximity/device_http.py``).

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
from patroon.proximity.device_http import DeviceEndpoint  # noqa: E402

site = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([path("ws/hotline/", ChatConsumer.as_asgi())]))
        ),
    }
)

# Devices are served in this process, which then owns every partition: one web process (the
# embedded default). With several web processes, devices use MQTT (``patroon proximity worker``)
# and PATROON_DEVICE_HTTP=off here.
application = site if os.environ.get("PATROON_DEVICE_HTTP") == "off" else DeviceEndpoint(site)
