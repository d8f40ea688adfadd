from django.contrib import admin
from django.urls import include, path

from extranet.views import account, home, invitations, members, spaces

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

invitation_patterns = (
    [path("<str:token>/", invitations.accept, name="accept")],
    "invitations",
)

urlpatterns = [
    path("", home.home, name="home"),
    path("spaces/", home.space_list, name="space_list"),
    path("spaces/new/", spaces.space_create, name="space_create"),
    path("s/<slug:slug>/", include(space_patterns)),
    path("invitations/", include(invitation_patterns)),
    path("account/security/", account.security, name="account_security"),
    path("account/sessions/<int:pk>/end/", account.session_end, name="account_session_end"),
    path(
        "account/sessions/end-others/",
        account.sessions_end_others,
        name="account_sessions_end_others",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
