"""The space's training pages: /s/<slug>/formations/… (namespace ``training_space``)."""

from django.urls import path

from training.views import manage

app_name = "training_space"

urlpatterns = [
    path("", manage.index, name="index"),
    path("nouvelle/", manage.course_create, name="course_create"),
    path("sessions/<int:pk>/modifier/", manage.session_edit, name="session_edit"),
    path("sessions/<int:pk>/annuler/", manage.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/ouvrir/", manage.session_open, name="session_open"),
    path("sessions/<int:pk>/terminer/", manage.session_done, name="session_done"),
    path("<slug:course_slug>/", manage.course, name="course"),
    path("<slug:course_slug>/modifier/", manage.course_edit, name="course_edit"),
    path("<slug:course_slug>/etat/", manage.course_status, name="course_status"),
    path("<slug:course_slug>/proposer/", manage.course_propose, name="course_propose"),
    path("<slug:course_slug>/ressources/", manage.resource_add, name="resource_add"),
    path(
        "<slug:course_slug>/ressources/<int:pk>/retirer/",
        manage.resource_delete,
        name="resource_delete",
    ),
    path("<slug:course_slug>/sessions/nouvelle/", manage.session_create, name="session_create"),
]
