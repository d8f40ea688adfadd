from django.urls import path

from forums.views import browse, categories, live, moderation, posting

app_name = "forums"

urlpatterns = [
    path("", browse.index, name="index"),
    path("read/", browse.mark_space_read, name="mark_space_read"),
    path("categories/new/", categories.category_create, name="category_create"),
    path("categories/<int:pk>/", browse.category, name="category"),
    path("categories/<int:pk>/edit/", categories.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", categories.category_delete, name="category_delete"),
    path("categories/<int:pk>/move/", categories.category_move, name="category_move"),
    path("categories/<int:pk>/read/", browse.mark_category_read, name="mark_category_read"),
    path("categories/<int:pk>/watch/", browse.category_watch, name="category_watch"),
    path("categories/<int:pk>/new/", posting.topic_create, name="topic_create"),
    path("topics/<int:pk>/", browse.topic, name="topic"),
    path("topics/<int:pk>/unread/", browse.topic_unread, name="topic_unread"),
    path("topics/<int:pk>/reply/", posting.reply, name="reply"),
    path("topics/<int:pk>/fragment/", live.topic_fragment, name="topic_fragment"),
    path("topics/<int:pk>/watch/", browse.topic_watch, name="topic_watch"),
    path("topics/<int:pk>/pin/", moderation.topic_pin, name="topic_pin"),
    path("topics/<int:pk>/lock/", moderation.topic_lock, name="topic_lock"),
    path("topics/<int:pk>/hide/", moderation.topic_hide, name="topic_hide"),
    path("topics/<int:pk>/unhide/", moderation.topic_unhide, name="topic_unhide"),
    path("topics/<int:pk>/move/", moderation.topic_move, name="topic_move"),
    path("topics/<int:pk>/split/", moderation.topic_split, name="topic_split"),
    path("posts/<int:pk>/", browse.post, name="post"),
    path("posts/<int:pk>/fragment/", live.post_fragment, name="post_fragment"),
    path("posts/<int:pk>/edit/", posting.post_edit, name="post_edit"),
    path("posts/<int:pk>/history/", moderation.post_history, name="post_history"),
    path("posts/<int:pk>/hide/", moderation.post_hide, name="post_hide"),
    path("posts/<int:pk>/unhide/", moderation.post_unhide, name="post_unhide"),
]
