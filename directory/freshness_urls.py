"""The editors' list of cards to verify, included by directory.urls at ``a-verifier/``."""

from django.urls import path

from directory.views import freshness

urlpatterns = [
    path("", freshness.stale_cards_list, name="stale_cards"),
]
