from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One searchable item, as stored by the PostgreSQL search backend.

    A derived copy of app content, rebuilt by ``rebuild_search_index``; nothing reads it except
    ``extranet.search.postgres_backend``. ``space_id`` is a plain integer rather than a foreign
    key so the index stays a separate store: deleting a space calls ``delete_space``.
    The ``search_vector`` column (a generated tsvector with a GIN index) and the ``maillage_fr``
    configuration are PostgreSQL-only DDL from migration ``0004_search_postgres_fts``, unknown
    to this model.
    """

    key = models.CharField(max_length=200, unique=True)
    space_id = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    title = models.TextField()
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    date = models.DateTimeField()
    author_id = models.BigIntegerField(null=True, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    facets = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("entrée de l'index de recherche")
        verbose_name_plural = _("entrées de l'index de recherche")
        indexes = [models.Index(fields=["space_id", "-date"], name="extranet_search_space_date")]

    def __str__(self) -> str:
        return self.key
