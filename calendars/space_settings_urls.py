from django.urls import URLPattern

app_name = "calendar_settings"

urlpatterns: list[URLPattern] = []
