from django.urls import path

from calendars.views import feeds

app_name = "calendar_feeds"

urlpatterns = [
    path("feeds/", feeds.feed_list, name="list"),
    path("feeds/<int:pk>/revoke/", feeds.feed_revoke, name="revoke"),
    path("feeds/<str:secret>.ics", feeds.feed, name="feed"),
]
