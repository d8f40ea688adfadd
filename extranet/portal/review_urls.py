"""/publication/…: the moderation queue of general administrators, and "Mes propositions"."""

from django.urls import path

from extranet.portal import review_views

app_name = "portal_review"

urlpatterns = [
    path("", review_views.queue, name="queue"),
    path("<int:pk>/", review_views.review, name="review"),
    path("<int:pk>/approve/", review_views.approve, name="approve"),
    path("<int:pk>/reject/", review_views.reject, name="reject"),
    path("public/", review_views.public_list, name="public"),
    path("public/<int:pk>/unpublish/", review_views.unpublish_item, name="unpublish"),
    path("mine/", review_views.mine, name="mine"),
    path("mine/<int:pk>/withdraw/", review_views.withdraw, name="withdraw"),
]
