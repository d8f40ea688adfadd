"""Trainers' pages under /formations/ (namespace ``training_trainer``): their sessions, and for
a session's trainer and the course's space editors its registrants, attendance, export and
survey results."""

from django.urls import path

from training.views import trainer

app_name = "training_trainer"

urlpatterns = [
    path("mes-sessions/", trainer.my_sessions, name="my_sessions"),
    path("sessions/<int:pk>/participants/", trainer.registrants, name="registrants"),
    path("sessions/<int:pk>/presences/", trainer.attendance, name="attendance"),
    path("sessions/<int:pk>/export.csv", trainer.export, name="export"),
    path("sessions/<int:pk>/questionnaire/", trainer.survey_results, name="survey_results"),
]
