"""CSV import pages (directory editors only), included by directory.urls at ``import/``."""

from django.urls import path

from directory.views import importing

urlpatterns = [
    path("", importing.import_index, name="import"),
    path("modele-<str:kind>.csv", importing.import_template, name="import_template"),
    path("<int:pk>/", importing.import_job, name="import_job"),
    path("<int:pk>/importer/", importing.import_apply, name="import_apply"),
]
