"""The forums' WebSocket route, registered with ``extranet.routing`` from ``registrations``."""

from django.urls import path

from forums.consumers import ForumsConsumer

websocket_urlpatterns = [path("ws/forums/", ForumsConsumer.as_asgi(), name="forums_live")]
