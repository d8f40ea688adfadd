from django.contrib import admin
from django.urls import include, path

from extranet.tenancy import site_url_includes, space_url_includes
from extranet.views import account, home, invitations, members, notifications, search, spaces

space_patterns = (
    [
        path("", spaces.space_home, name="home"),
        path("members/", members.member_list, name="members"),
        path("members/invite/", members.invite, name="invite"),
        path("members/<int:pk>/role/", members.member_role, name="member_role"),
        path("members/<int:pk>/remove/", members.member_remove, name="member_remove"),
        path("invitations/<int:pk>/revoke/", members.invitation_revoke, name="invitation_revoke"),
        path("settings/", spaces.space_settings, name="settings"),
        path("audit/", spaces.space_audit, name="audit"),
    ],
    "spaces",
)

# Apps' space pages: /s/<slug>/<prefix>… each under its own namespace.
app_space_patterns = [path(prefix, include(urlconf)) for prefix, urlconf in space_url_includes()]
app_site_patterns = [path(prefix, include(urlconf)) for prefix, urlconf in site_url_includes()]

invitation_patterns = (
    [path("<str:token>/", invitations.accept, name="accept")],
    "invitations",
)

urlpatterns = [
    path("", home.home, name="home"),
    path("spaces/", home.space_list, name="space_list"),
    path("spaces/new/", spaces.space_create, name="space_create"),
    path("s/<slug:slug>/", include(space_patterns)),
    path("s/<slug:slug>/", include(app_space_patterns)),
    *app_site_patterns,
    path("invitations/", include(invitation_patterns)),
    path("account/security/", account.security, name="account_security"),
    path("account/sessions/<int:pk>/end/", account.session_end, name="account_session_end"),
    path(
        "account/sessions/end-others/",
        account.sessions_end_others,
        name="account_sessions_end_others",
    ),
    path("search/", search.search, name="search"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path(
        "notifications/read/",
        notifications.notifications_mark_read,
        name="notifications_mark_read",
    ),
    path(
        "account/notifications/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("extranet.portal.public.urls")),
    path("admin/", admin.site.urls),
]
