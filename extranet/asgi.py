"""ASGI entry point: HTTP through Django, WebSockets through Channels, and mounted ASGI apps
(``ASGI_MOUNTS``: Radicale at /dav for the embedded default) beside them."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "extranet.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from extranet.routing import websocket_urlpatterns  # noqa: E402

_mounts = [
    (prefix.rstrip("/"), import_string(path)) for prefix, path in settings.ASGI_MOUNTS.items()
]


async def http_application(scope, receive, send):  # type: ignore[no-untyped-def]
    path = scope.get("path", "")
    for prefix, app in _mounts:
        if path == prefix or path.startswith(prefix + "/"):
            return await app(
                dict(scope, root_path=scope.get("root_path", "") + prefix), receive, send
            )
    return await django_asgi_app(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": http_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
