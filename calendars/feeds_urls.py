from django.urls import URLPattern

app_name = "calendar_feeds"

urlpatterns: list[URLPattern] = []
