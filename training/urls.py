from django.urls import path

from training.views import catalogue, participants

app_name = "training"

# The fixed words come before ``<space_slug>/<course_slug>/`` so that they win over a space
# whose slug happens to be one of them.
urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("imprimer/", catalogue.catalogue_print, name="catalogue_print"),
    path("agenda/", catalogue.calendar_subscribe, name="calendar_subscribe"),
    path("mes-inscriptions/", participants.my_registrations, name="my_registrations"),
    path("sessions/<int:pk>/", catalogue.session, name="session"),
    path("sessions/<int:pk>/inscription/", participants.register_view, name="register"),
    path(
        "sessions/<int:pk>/inscrire-un-collegue/",
        participants.register_other_view,
        name="register_other",
    ),
    path(
        "inscriptions/<int:pk>/annuler/",
        participants.registration_cancel,
        name="registration_cancel",
    ),
    path("inscriptions/<int:pk>/attestation.pdf", participants.certificate, name="certificate"),
    path("inscriptions/<int:pk>/questionnaire/", participants.survey, name="survey"),
    path("<slug:space_slug>/<slug:course_slug>/", catalogue.course, name="course"),
]
