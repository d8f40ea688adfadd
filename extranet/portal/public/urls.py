"""Public portal URLs, mounted at ``/portal/`` (namespace ``portal``).

Item pages: ``portal:item`` with ``section`` and ``public_id``; the same URL for every version of
an item (404 once unpublished). Fixed paths come before ``<section>/`` so that no section can
shadow them (see ``sections.RESERVED``).
"""

from django.urls import path

from extranet.portal.public import api, feeds, openapi, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("data/", views.data_page, name="data"),
    path("embed/", views.embed_doc, name="embed"),
    path("embed/agenda", views.embed_agenda, name="embed_agenda"),
    path("language/<str:code>/", views.language, name="language"),
    path("feeds/all.atom", feeds.atom_all, name="atom_all"),
    path("feeds/<slug:section>.atom", feeds.atom, name="atom"),
    path("api/openapi.json", openapi.openapi, name="openapi"),
    path("api/v1/items/<slug:public_id>.json", api.api_item, name="api_item"),
    path("api/v1/<slug:name>.json", api.api_list, name="api_list"),
    path("<slug:section>.ics", feeds.ics, name="ics"),
    path("<slug:section>/", views.section_page, name="section"),
    path("<slug:section>/month/", views.month_current, name="month_current"),
    path("<slug:section>/month/<int:year>/<int:month>/", views.month, name="month"),
    path("<slug:section>/communes/<slug:commune>/", views.commune_page, name="commune"),
    path("<slug:section>/<slug:public_id>/", views.item, name="item"),
    path(
        "<slug:section>/<slug:public_id>/files/<int:file_id>/<str:name>",
        views.file_download,
        name="file",
    ),
]
