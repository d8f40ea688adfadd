from django.urls import path
from django.views.generic import RedirectView

from calendars.views import app_passwords

urlpatterns = [
    # RFC 6764: clients given only the server name find the DAV root here.
    path(".well-known/caldav", RedirectView.as_view(url="/dav/", permanent=True)),
    path(".well-known/carddav", RedirectView.as_view(url="/dav/", permanent=True)),
    path("account/app-passwords/", app_passwords.app_password_list, name="app_passwords"),
    path(
        "account/app-passwords/<int:pk>/revoke/",
        app_passwords.app_password_revoke,
        name="app_password_revoke",
    ),
]
