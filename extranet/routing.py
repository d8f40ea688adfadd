"""WebSocket routes. Apps append theirs here through the registry as they land (forums first)."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
