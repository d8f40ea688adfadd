"""What the document base declares to the core: abilities, verbs, audit actions, notification
topics, search indexer, URLs and tenant resources for the isolation test."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from documents import indexing, policy  # noqa: F401  (policy registers the abilities)
from documents.models import (
    Comment,
    Document,
    DocumentKind,
    DocumentShare,
    DocumentVersion,
    Folder,
)
from documents.publishing import BROCHURE_KIND
from extranet.activity import register_activity_verbs
from extranet.audit import register_audit_actions
from extranet.demo import register_demo_module
from extranet.models import Membership, Space
from extranet.models.notifications import EmailMode
from extranet.notifications import Topic, register_topic
from extranet.portal.registry import register_publishable
from extranet.search.registry import register_indexer
from extranet.search_ui import SearchFacet, SearchKind, register_search_kind
from extranet.tenancy import (
    SpaceTab,
    TenantResource,
    TenantRoute,
    register_space_tab,
    register_space_urls,
    register_tenant_resource,
)

register_activity_verbs(
    {
        "documents.added": _("%(actor)s a déposé « %(object)s »"),
        "documents.version": _("%(actor)s a déposé une nouvelle version de « %(object)s »"),
        "documents.commented": _("%(actor)s a commenté « %(object)s »"),
    }
)
register_audit_actions(
    {
        "documents.shared": _("Document partagé avec un autre espace"),
        "documents.unshared": _("Partage de document retiré"),
        "documents.template_copied": _("Modèle copié dans un autre espace"),
        "documents.trashed": _("Document mis à la corbeille"),
        "documents.restored": _("Document restauré de la corbeille"),
        "documents.version_restored": _("Ancienne version restaurée"),
        "documents.purged": _("Document supprimé définitivement (corbeille de 30 jours)"),
    }
)
register_topic(
    Topic(
        name="documents.minutes",
        label=_("Nouveaux comptes rendus dans mes espaces"),
        message=_("%(actor)s a publié le compte rendu « %(object)s » (%(space)s)"),
        default_email=EmailMode.IMMEDIATE,
    )
)
register_topic(
    Topic(
        name="documents.folder",
        label=_("Nouveaux documents dans les dossiers que je suis"),
        message=_("Nouveau document « %(object)s » déposé par %(actor)s (%(space)s)"),
        default_email=EmailMode.DAILY,
    )
)
register_indexer("documents", indexing.iter_all_entries)
register_search_kind(
    SearchKind(
        "document",
        _("Documents"),
        facets=(
            SearchFacet("doc_kind", _("Type de document"), tuple(DocumentKind.choices)),
            # Set by the search box of a folder page (?folder=<id>); no list on the search page.
            SearchFacet("folder", _("Dossier"), ()),
        ),
    )
)
register_space_urls("documents/", "documents.urls")
register_space_tab(SpaceTab(_("Documents"), "documents:index", "documents.view", "documents"))


# --- isolation test samples -------------------------------------------------------------------


def _membership(space: Any, author: Any) -> Membership:
    return Membership.objects.get(space=space, user=author)


def _sample_document(space: Any, author: Any) -> Document:
    from documents.services.documents import upload_documents

    upload = ContentFile(
        b"Compte rendu du conseil communautaire : budget de l'ecole.", name="cr-conseil.txt"
    )
    (document,) = upload_documents(
        membership=_membership(space, author), files=[upload], kind="minutes"
    )
    return document


def _sample_folder(space: Any, author: Any) -> Folder:
    from documents.services.folders import create_folder

    return create_folder(membership=_membership(space, author), name="Conseils communautaires")


def _sample_version(space: Any, author: Any) -> DocumentVersion:
    document = _sample_document(space, author)
    return document.versions.get()


def _sample_comment(space: Any, author: Any) -> Comment:
    from documents.services.comments import add_comment

    document = _sample_document(space, author)
    return add_comment(membership=_membership(space, author), document=document, body="Lu.")


def _doc(obj: Any) -> dict[str, Any]:
    return {"slug": obj.space.slug, "pk": obj.pk}


def _version(version: Any) -> dict[str, Any]:
    return {
        "slug": version.document.space.slug,
        "pk": version.document_id,
        "number": version.number,
    }


def _comment_doc(comment: Any) -> dict[str, Any]:
    return {"slug": comment.document.space.slug, "pk": comment.document_id}


def _space(obj: Any) -> dict[str, Any]:
    return {"slug": obj.space.slug}


register_tenant_resource(
    TenantResource(
        model=Document,
        space_of=lambda d: d.space,
        sample=_sample_document,
        routes=(
            TenantRoute("documents:index", _space),
            TenantRoute("documents:upload", _space),
            TenantRoute("documents:trash_list", _space),
            TenantRoute("documents:detail", _doc),
            TenantRoute("documents:download", _doc),
            TenantRoute("documents:edit", _doc),
            TenantRoute(
                "documents:edit",
                _doc,
                method="post",
                data=lambda d: {"title": "Piraté", "kind": "other"},
            ),
            TenantRoute("documents:version_upload", _doc),
            TenantRoute("documents:trash", _doc),
            TenantRoute("documents:trash", _doc, method="post"),
            TenantRoute("documents:trash_restore", _doc, method="post"),
            TenantRoute(
                "documents:comment", _doc, method="post", data=lambda d: {"body": "intrus"}
            ),
            TenantRoute("documents:share", _doc),
            TenantRoute("documents:copy_template", _doc),
            TenantRoute("documents:propose", _doc, method="post"),
        ),
    )
)
register_tenant_resource(
    TenantResource(
        model=DocumentVersion,
        space_of=lambda v: v.document.space,
        sample=_sample_version,
        routes=(
            TenantRoute("documents:version_download", _version),
            TenantRoute("documents:version_restore", _version, method="post"),
        ),
    )
)
register_tenant_resource(
    TenantResource(
        model=Comment,
        space_of=lambda c: c.document.space,
        sample=_sample_comment,
        routes=(TenantRoute("documents:detail", _comment_doc),),
    )
)


def _sample_share(space: Any, author: Any) -> DocumentShare:
    document = _sample_document(space, author)
    target = Space.objects.create(
        name="Espace partenaire", slug=f"partenaire-{document.pk}", kind="project"
    )
    return DocumentShare.objects.create(document=document, space=target, shared_by=author)


register_tenant_resource(
    TenantResource(
        model=DocumentShare,
        space_of=lambda s: s.document.space,
        sample=_sample_share,
        routes=(
            TenantRoute(
                "documents:unshare",
                lambda s: {"slug": s.document.space.slug, "pk": s.document_id, "share_pk": s.pk},
                method="post",
            ),
        ),
    )
)
register_tenant_resource(
    TenantResource(
        model=Folder,
        space_of=lambda f: f.space,
        sample=_sample_folder,
        routes=(
            TenantRoute("documents:folder", _doc),
            TenantRoute("documents:folder_edit", _doc),
            TenantRoute("documents:folder_delete", _doc, method="post"),
            TenantRoute("documents:folder_watch", _doc, method="post"),
            TenantRoute("documents:folder_create", _space),
        ),
    )
)


# --- demo territory ---------------------------------------------------------------------------
register_demo_module("documents", "documents.demo")
# Brochures on the public portal, after review (documents/publishing.py).
register_publishable(BROCHURE_KIND)
