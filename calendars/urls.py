"""A space's agenda: /s/<slug>/agenda/… (the same views as "My agenda", limited to the space)."""

from django.urls import path

import calendars.converters  # noqa: F401  (registers "event_uid")
from calendars.views import agenda

app_name = "calendars"

urlpatterns = [
    path("", agenda.month, name="index"),
    path("week/", agenda.week, name="week"),
    path("list/", agenda.upcoming, name="list"),
    path("events/new/", agenda.event_create, name="event_create"),
    path("events/<str:collection>/<event_uid:uid>/", agenda.event_detail, name="event_detail"),
    path("events/<str:collection>/<event_uid:uid>/edit/", agenda.event_edit, name="event_edit"),
    path(
        "events/<str:collection>/<event_uid:uid>/delete/", agenda.event_delete, name="event_delete"
    ),
    path(
        "events/<str:collection>/<event_uid:uid>/propose/",
        agenda.event_propose,
        name="event_propose",
    ),
]
