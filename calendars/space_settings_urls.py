from django.urls import path

from calendars.views import space_settings

app_name = "calendar_settings"

urlpatterns = [
    path("", space_settings.settings_page, name="index"),
    path("calendars/<int:pk>/", space_settings.calendar_update, name="calendar_update"),
    path("availability/", space_settings.availability, name="availability"),
    path(
        "availability/<int:pk>/remove/",
        space_settings.availability_remove,
        name="availability_remove",
    ),
]
