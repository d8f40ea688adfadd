"""URL conf used only by the benchmark: the real site plus a bare view for the baseline."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The cheapest possible Django response, behind the same middleware as the real pages."""
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("extranet.urls")),
]
