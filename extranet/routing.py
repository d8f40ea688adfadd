"""WebSocket routes, registered by the apps that own them (forums first).

Apps call :func:`register_websocket_routes` from their ``AppConfig.ready()``, which runs inside
``django.setup()``; ``extranet/asgi.py`` calls ``get_asgi_application()`` (hence ``setup()``)
before it imports this list and builds its ``URLRouter``, so the router sees every app's routes
while ``extranet`` imports none of them.
"""

from collections.abc import Iterable

from django.urls import URLPattern, URLResolver

websocket_urlpatterns: list[URLPattern | URLResolver] = []


def register_websocket_routes(patterns: Iterable[URLPattern | URLResolver]) -> None:
    """``register_websocket_routes([path("ws/forums/", Consumer.as_asgi())])``: each consumer
    checks access through ``extranet.access`` itself, as views do."""
    for pattern in patterns:
        if pattern not in websocket_urlpatterns:
            websocket_urlpatterns.append(pattern)


def websocket_routes() -> list[URLPattern | URLResolver]:
    return list(websocket_urlpatterns)
