from django.urls import path

from documents.views import browse, edit, files, publishing

app_name = "documents"

urlpatterns = [
    path("", browse.index, name="index"),
    path("upload/", edit.upload, name="upload"),
    path("trash/", browse.trash_list, name="trash_list"),
    path("trash/<int:pk>/restore/", browse.trash_restore, name="trash_restore"),
    path("folders/new/", edit.folder_create, name="folder_create"),
    path("folders/<int:pk>/", browse.folder, name="folder"),
    path("folders/<int:pk>/edit/", edit.folder_edit, name="folder_edit"),
    path("folders/<int:pk>/delete/", edit.folder_delete, name="folder_delete"),
    path("folders/<int:pk>/watch/", browse.folder_watch, name="folder_watch"),
    path("<int:pk>/", browse.detail, name="detail"),
    path("<int:pk>/edit/", edit.edit, name="edit"),
    path("<int:pk>/download/", files.download, name="download"),
    path("<int:pk>/delete/", edit.trash, name="trash"),
    path("<int:pk>/comments/", browse.comment, name="comment"),
    path("<int:pk>/share/", edit.share, name="share"),
    path("<int:pk>/shares/<int:share_pk>/remove/", edit.unshare, name="unshare"),
    path("<int:pk>/copy/", edit.copy_template, name="copy_template"),
    path("<int:pk>/propose/", publishing.propose, name="propose"),
    path("<int:pk>/versions/new/", edit.version_upload, name="version_upload"),
    path(
        "<int:pk>/versions/<int:number>/download/",
        files.version_download,
        name="version_download",
    ),
    path(
        "<int:pk>/versions/<int:number>/restore/",
        edit.version_restore,
        name="version_restore",
    ),
]
