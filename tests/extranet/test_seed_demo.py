from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from documents import demo
from documents.extraction import extract_text
from documents.models import (
    Comment,
    Document,
    DocumentKind,
    DocumentShare,
    DocumentVersion,
    ExtractionStatus,
    Folder,
)
from documents.policy import can_change
from extranet import pdf
from extranet.access import access_space
from extranet.activity import describe
from extranet.demo_data import DOCUMENTS, HEALTH, OFFICIALS, PEOPLE, PROJECT, TOURISM
from extranet.exceptions import MFASetupRequired
from extranet.models import Activity, Invitation, Membership, Space
from extranet.models.spaces import SpaceKind, Visibility
from extranet.roles import ROLE_RANK, Role
from extranet.search import SearchQuery, get_backend
from tests.conftest import make_user

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "mot-de-passe-demo"


@pytest.fixture
def real_extraction():
    """Keep the bounded child process that seeding starts for each version's text."""


@pytest.fixture(autouse=True)
def _extraction_in_process(request, monkeypatch):
    """Seeding extracts each version's text in a child process (~0.1 s apiece, tested in
    tests/documents); here the same extraction runs in-process, except with real_extraction."""
    if "real_extraction" not in request.fixturenames:
        monkeypatch.setattr(
            "documents.services.extraction.extract_text_bounded",
            lambda path, mime, **limits: extract_text(path, mime),
        )


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Space,
            Membership,
            Invitation,
            Activity,
            Folder,
            Document,
            DocumentVersion,
            Comment,
            DocumentShare,
        )
    }


def test_seeding_creates_the_territory():
    seed()

    kinds = set(Space.objects.values_list("kind", flat=True))
    assert {
        SpaceKind.OFFICIALS,
        SpaceKind.TOURISM,
        SpaceKind.CULTURE,
        SpaceKind.HEALTH,
        SpaceKind.TRAINING,
    } <= kinds
    assert Space.objects.filter(visibility=Visibility.LISTED).exists()
    assert Space.objects.filter(visibility=Visibility.PRIVATE).exists()
    assert Space.objects.get(kind=SpaceKind.HEALTH).mfa_required
    assert 18 <= User.objects.count() <= 25
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert Invitation.objects.pending().count() >= 2


def test_every_account_signs_in_with_the_demo_password_and_a_verified_address():
    seed()

    for user in User.objects.all():
        assert user.check_password("mot-de-passe-demo"), user.email
        assert user.email.endswith(".example")
        assert user.emailaddress_set.get().verified


def test_exactly_one_person_belongs_to_no_space():
    seed()

    assert User.objects.filter(memberships__isnull=True).count() == 1


def test_some_people_hold_different_roles_in_several_spaces():
    seed()

    multi = [
        user
        for user in User.objects.prefetch_related("memberships")
        if len({m.role for m in user.memberships.all()}) > 1
    ]
    assert multi


def test_staff_is_a_member_of_no_private_space():
    seed()

    staff = User.objects.get(is_staff=True)
    assert not staff.memberships.filter(space__visibility=Visibility.PRIVATE).exists()


def test_health_space_shows_mfa_enforcement_on_one_member():
    seed()
    health = Space.objects.get(kind=SpaceKind.HEALTH)
    members = [m.user for m in Membership.objects.in_space(health).select_related("user")]

    without_mfa = [user for user in members if not is_mfa_enabled(user)]
    assert len(without_mfa) == 1
    with pytest.raises(MFASetupRequired):
        access_space(without_mfa[0], health.slug)
    with_mfa = next(user for user in members if is_mfa_enabled(user))
    assert access_space(with_mfa, health.slug).space == health


def test_home_pages_have_recent_activity_spread_over_past_days():
    seed()
    now = timezone.now()

    for space in Space.objects.all():
        latest = Activity.objects.in_space(space).first()
        assert latest is not None, space.slug
        assert now - timedelta(days=8) < latest.created_at < now
    moments = Activity.objects.values_list("created_at", flat=True)
    assert min(moments) < now - timedelta(days=7)
    assert all(describe(activity) for activity in Activity.objects.all())


def test_output_lists_accounts_password_and_the_special_cases():
    out = seed()

    for person in PEOPLE:
        assert person.email in out
        assert person.full_name in out
    assert "mot-de-passe-demo" in out
    assert "belongs to no space" in out
    no_mfa = next(line for line in out.splitlines() if "NO MFA" in line)
    nobody = User.objects.get(memberships__isnull=True)
    loner = next(line for line in out.splitlines() if "no space" in line and "@" in line)
    assert nobody.email in loner
    health_member_without_mfa = next(
        m.user
        for m in Membership.objects.filter(space__kind=SpaceKind.HEALTH).select_related("user")
        if not is_mfa_enabled(m.user)
    )
    assert health_member_without_mfa.email in no_mfa


def test_refuses_without_debug_and_writes_nothing(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="production"):
        seed()
    assert not User.objects.exists()
    assert not Space.objects.exists()


def test_if_empty_is_a_no_op_when_an_account_exists():
    make_user("deja@ailleurs.example", "Déjà Là")

    out = seed("--if-empty")

    assert "already exist" in out
    assert len(out.strip().splitlines()) == 1
    assert User.objects.count() == 1
    assert not Space.objects.exists()


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")

    assert Space.objects.filter(kind=SpaceKind.HEALTH).exists()


def test_second_run_fails_cleanly_without_duplicates():
    seed()
    before = counts()

    with pytest.raises(CommandError, match="already loaded"):
        seed()
    assert counts() == before


def test_a_failure_midway_leaves_nothing_behind(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("extranet.management.commands.seed_demo.create_invitation", broken)

    with pytest.raises(RuntimeError):
        seed()
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_failure_among_the_documents_leaves_no_row_and_no_file(monkeypatch, settings):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("documents.demo.add_comment", broken)

    with pytest.raises(RuntimeError):
        seed()
    assert counts() == dict.fromkeys(counts(), 0)
    location = Path(settings.STORAGES["documents"]["OPTIONS"]["location"])
    assert not [path for path in location.rglob("*") if path.is_file()]


# --- Documents --------------------------------------------------------------------------------


def _member(local_part: str, slug: str) -> Membership:
    return Membership.objects.select_related("space", "user").get(
        user__email__startswith=f"{local_part}@", space__slug=slug
    )


def test_officials_space_has_folders_minutes_a_template_a_form_and_comments():
    seed()
    officials = Space.objects.get(slug=OFFICIALS)
    documents = Document.objects.in_space(officials)

    folders = {f.name: f for f in Folder.objects.in_space(officials).select_related("parent")}
    assert {"Conseils communautaires", "2026", "Commissions", "Modèles de délibération"} <= set(
        folders
    )
    assert folders["2026"].parent == folders["Conseils communautaires"]
    minutes = documents.filter(kind=DocumentKind.MINUTES)
    assert 4 <= minutes.count() <= 6
    assert not minutes.filter(meeting_date__isnull=True).exists()
    assert minutes.filter(folder=folders["2026"]).exists()
    assert documents.get(kind=DocumentKind.TEMPLATE).title == "Modèle de délibération"
    assert documents.filter(kind=DocumentKind.FORM).exists()
    comments = Comment.objects.filter(document__space=officials)
    assert comments.count() >= 2
    assert all("**" in c.body for c in comments)  # Markdown, rendered on display


def test_every_file_is_real_and_its_text_extracted():
    seed()

    versions = DocumentVersion.objects.all()
    assert {v.mime for v in versions} >= {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "text/plain",
    }
    headings = {
        file.name: file.title
        for d in DOCUMENTS
        for file in (d.file, *(r.file for r in d.revisions))
    }
    for version in versions:
        assert version.extraction_status == ExtractionStatus.OK, version.original_name
        text = " ".join(version.extracted_text.split())  # PDF lines wrap
        assert headings[version.original_name] in text, version.original_name


def test_a_minutes_has_a_second_version_correcting_an_amount():
    seed()

    document = Document.objects.get(versions__number=2)
    first, second = document.versions.order_by("number")
    assert document.current_version == second
    assert second.note == "Correction du montant"
    assert first.sha256 != second.sha256
    assert "1 118 800" in first.extracted_text
    assert "1 181 800" in second.extracted_text


def test_tourism_and_health_spaces_have_their_own_documents():
    seed()

    tourism = Document.objects.filter(space__slug=TOURISM)
    assert tourism.filter(kind=DocumentKind.BROCHURE).exists()
    assert tourism.get(kind=DocumentKind.STUDY).title == "Fréquentation touristique 2025"
    health = Document.objects.get(space__slug=HEALTH)
    assert (health.title, health.kind) == ("Protocole de garde", DocumentKind.FORM)


def test_a_study_is_shared_read_only_with_the_project():
    seed()

    share = DocumentShare.objects.select_related("document__space", "space").get()
    document = share.document
    assert (document.space.slug, document.kind, share.space.slug) == (
        OFFICIALS,
        DocumentKind.STUDY,
        PROJECT,
    )
    sharer = Membership.objects.get(space=document.space, user=share.shared_by)
    assert ROLE_RANK[Role(sharer.role)] >= ROLE_RANK[Role.EDITOR]
    project = share.space
    assert Document.objects.readable_in(project).filter(pk=document.pk).exists()
    project_editor = Membership.objects.filter(space=project, role=Role.EDITOR).first()
    assert project_editor is not None
    assert not can_change(project_editor, document)


def test_searching_right_after_seeding_finds_documents(real_extraction):
    seed()
    member = _member("sophie.lefevre", OFFICIALS)
    assert member.role == Role.MEMBER
    her_spaces = list(member.user.memberships.values_list("space_id", flat=True))

    for word in ("assainissement", "école"):
        results = get_backend().search(SearchQuery(text=word, space_ids=her_spaces))
        assert results.total >= 2, word
        assert all(hit.kind == "document" for hit in results.hits)
    hits = get_backend().search(SearchQuery(text="assainissement", space_ids=her_spaces)).hits
    assert any(hit.title.startswith("Compte rendu") for hit in hits)

    # the shared study is found from the project space; nothing leaks to another space
    project = Space.objects.get(slug=PROJECT)
    shared = get_backend().search(SearchQuery(text="voie verte", space_ids=[project.pk])).hits
    assert [hit.url.split("/")[2] for hit in shared] == [PROJECT]
    tourism_only = _member("lucas.meunier", TOURISM)
    assert (
        not get_backend()
        .search(SearchQuery(text="assainissement", space_ids=[tourism_only.space_id]))
        .hits
    )


def test_document_history_is_spread_over_past_weeks_after_each_author_joined():
    seed()
    now = timezone.now()

    documents = Document.objects.select_related("space", "created_by")
    for document in documents:
        joined = Membership.objects.get(space=document.space, user=document.created_by).created_at
        assert joined < document.created_at <= document.updated_at < now, document.title
        added = Activity.objects.get(verb="documents.added", url=document.get_absolute_url())
        assert added.created_at == document.created_at
    for version in DocumentVersion.objects.select_related("document__space"):
        space = version.document.space
        joined = Membership.objects.get(space=space, user=version.uploaded_by).created_at
        assert joined < version.uploaded_at < now
    for comment in Comment.objects.select_related("document__space"):
        joined = Membership.objects.get(space=comment.document.space, user=comment.author)
        assert max(joined.created_at, comment.document.created_at) < comment.created_at < now
    days = {document.created_at.date() for document in documents}
    assert len(days) >= 6
    assert min(d.created_at for d in documents) < now - timedelta(days=14)


def test_output_counts_documents_and_suggests_searches():
    out = seed()

    line = next(line for line in out.splitlines() if line.startswith("Documents:"))
    assert line == (
        f"Documents: {Document.objects.count()} in {Folder.objects.count()} folders "
        "(try searching « école » or « assainissement »)"
    )


def test_demo_files_are_deterministic():
    one_per_format = {d.file.name.rsplit(".", 1)[1]: d.file for d in DOCUMENTS}
    assert set(one_per_format) == {"pdf", "docx", "odt", "txt", "md"}
    for file in one_per_format.values():
        assert demo.file_bytes.__wrapped__(file) == demo.file_bytes.__wrapped__(file)


def test_pdfs_fall_back_to_core_fonts_without_dejavu(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "FONT", tmp_path / "absent.ttf")
    file = next(
        d.file for d in DOCUMENTS if d.file.name == "cr-conseil-communautaire-2026-03-26.pdf"
    )

    path = tmp_path / file.name
    path.write_bytes(demo.file_bytes.__wrapped__(file))

    result = extract_text(path, "application/pdf")
    assert result.status == ExtractionStatus.OK
    text = " ".join(result.text.split())
    assert file.title.replace("—", "-") in text
    assert "Délibération n° 2026-012 - Budget primitif 2026" in text
    assert "9 846 000 EUR" in text
