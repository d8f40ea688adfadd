"""CSV bulk onboarding of the directory, by directory editors.

A file becomes an ``ImportJob``; a background task checks it (the dry run: nothing is written)
and stores a report listing every problem as (row, column, message, value) with what the file
would create or update. Only a clean job may then be imported: a second task checks the file
again (the directory may have changed meanwhile) and writes every row in ONE transaction, so an
error at any row, expected or not, leaves the directory as it was. The rules that read and check
the cells, and how a row finds the card it updates, are in ``directory.services.import_rules``.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.changes import cards_changed
from directory.models import (
    ContactKind,
    ContactPoint,
    Function,
    ImportJob,
    ImportKind,
    ImportStatus,
    Organisation,
    Person,
    Theme,
)
from directory.services.import_columns import COLUMNS, fold, template_rows
from directory.services.import_files import ImportFileError, Problem, Table, decode, read_table
from directory.services.import_rules import (
    ContactPlan,
    OrganisationPlan,
    PersonPlan,
    Plan,
    plan_organisations,
    plan_people,
)
from directory.visibility import is_directory_editor
from extranet.audit import record_audit, register_audit_actions

__all__ = [
    "ImportFileError",
    "ImportNotReady",
    "create_import_job",
    "max_file_bytes",
    "max_rows",
    "request_import",
    "run_check",
    "run_import",
    "template_csv",
    "write_progress",
]

logger = logging.getLogger(__name__)

IMPORTED = "directory.csv_imported"
register_audit_actions({IMPORTED: gettext_lazy("Import CSV dans l'annuaire")})

CHUNK = 200
MAX_PROBLEMS = 1000  # listed in a report; the total is given too


class ImportNotReady(Exception):
    """Only a job whose dry run is clean may be imported, once."""


def max_file_bytes() -> int:
    return int(settings.DIRECTORY_IMPORT_MAX_MB) * 1024 * 1024


def max_rows() -> int:
    return int(settings.DIRECTORY_IMPORT_MAX_ROWS)


def template_csv(kind: str) -> bytes:
    """The template of ``kind``: its columns and two example rows, as Excel in French opens
    it (UTF-8 with BOM, semicolons)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(template_rows(kind))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- Jobs ----------------------------------------------------------------------------------------


@transaction.atomic
def create_import_job(*, actor: Any, kind: str, upload: Any, language: str = "") -> ImportJob:
    """Keep the uploaded file and queue its dry run. Raises ``ImportFileError`` for a file that
    cannot be read at all (too big, a spreadsheet, an unknown encoding)."""
    if not is_directory_editor(actor):
        raise PermissionDenied
    if kind not in ImportKind.values:
        raise ImportFileError(_("Choisissez ce que contient le fichier."))
    limit = max_file_bytes()
    size = getattr(upload, "size", None)
    upload.seek(0)
    data = upload.read(limit + 1) if size is None or size <= limit else b""
    if (size is not None and size > limit) or len(data) > limit:
        raise ImportFileError(
            _("Le fichier dépasse %(max)s Mo : découpez-le en plusieurs fichiers.")
            % {"max": limit // (1024 * 1024)}
        )
    if not data.strip():
        raise ImportFileError(_("Le fichier est vide."))
    text, encoding = decode(data)
    job = ImportJob.objects.create(
        kind=kind,
        filename=get_valid_filename(str(getattr(upload, "name", "") or "import.csv"))[:200],
        content=text,
        encoding=encoding,
        language=(language or settings.LANGUAGE_CODE)[:10],
        created_by=actor,
    )

    def enqueue() -> None:
        from directory.tasks import check_import_job

        check_import_job.enqueue(job_id=job.pk)

    transaction.on_commit(enqueue)
    return job


@transaction.atomic
def request_import(*, actor: Any, job: ImportJob) -> ImportJob:
    """Queue the import of a job whose dry run was clean."""
    if not is_directory_editor(actor):
        raise PermissionDenied
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.READY:
        raise ImportNotReady(job.status)
    job.status = ImportStatus.IMPORT_QUEUED
    job.rows_done = 0
    job.updated_at = timezone.now()
    job.save(update_fields=["status", "rows_done", "updated_at"])

    def enqueue() -> None:
        from directory.tasks import apply_import_job

        apply_import_job.enqueue(job_id=job.pk)

    transaction.on_commit(enqueue)
    return job


def _claim(job_id: int, waiting: str, running: str) -> ImportJob | None:
    """Move a job from ``waiting`` to ``running``; None when another run took it (tasks may
    be delivered twice)."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=waiting).update(
        status=running, rows_done=0, updated_at=now
    )
    return ImportJob.objects.get(pk=job_id) if claimed else None


def _checked_plan(job: ImportJob) -> Plan:
    table = read_table(job.content, COLUMNS[job.kind], max_rows=max_rows())
    ImportJob.objects.filter(pk=job.pk).update(
        rows_total=len(table.rows), updated_at=timezone.now()
    )
    job.rows_total = len(table.rows)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, updated_at=timezone.now())

    if job.kind == ImportKind.ORGANISATIONS:
        plan = plan_organisations(table, progress)
    else:
        plan = plan_people(table, progress)
    progress(len(table.rows))
    return plan


def _finish(job: ImportJob, status: str, report: dict[str, Any]) -> None:
    job.status = status
    job.report = report
    job.rows_done = job.rows_total
    job.updated_at = timezone.now()
    fields = ["status", "report", "rows_done", "updated_at"]
    if status != ImportStatus.READY:
        # The file may hold personal data: keep it only while it may still be imported.
        job.content = ""
        job.finished_at = job.updated_at
        fields += ["content", "finished_at"]
    job.save(update_fields=fields)


def run_check(job_id: int) -> str:
    """The dry run of a queued job: its report, and READY or INVALID. Writes nothing else."""
    job = _claim(job_id, ImportStatus.CHECK_QUEUED, ImportStatus.CHECKING)
    if job is None:
        return "skipped"
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            plan = _checked_plan(job)
            outcome = _run(plan, _Context(job=job, write=False)) if plan.is_clean else None
        except Exception:
            logger.exception("Import job %s: the check failed", job.pk)
            _finish(
                job, ImportStatus.FAILED, {"error": _("Erreur inattendue pendant la vérification.")}
            )
            return ImportStatus.FAILED
        status = ImportStatus.READY if plan.is_clean else ImportStatus.INVALID
        _finish(job, status, _report(job, plan, outcome))
    return status


def run_import(job_id: int) -> str:
    """Check the file again, then write every row in one transaction (or nothing)."""
    job = _claim(job_id, ImportStatus.IMPORT_QUEUED, ImportStatus.IMPORTING)
    if job is None:
        return "skipped"
    with translation.override(job.language or settings.LANGUAGE_CODE):
        context = _Context(job=job, write=True)
        try:
            plan = _checked_plan(job)
            if not plan.is_clean:
                report = _report(job, plan, None)
                report["changed_since_check"] = True
                _finish(job, ImportStatus.INVALID, report)
                return ImportStatus.INVALID
            with transaction.atomic():
                outcome = _run(plan, context)
                cards_changed(person_ids=outcome.people, organisation_ids=outcome.organisations)
                record_audit(
                    action=IMPORTED,
                    actor=job.created_by,
                    target=job.filename,
                    details={"job": job.pk, "kind": job.kind, **outcome.counts()},
                )
                _finish(job, ImportStatus.DONE, _report(job, plan, outcome, done=True))
        except Exception as exc:
            logger.exception("Import job %s: failed at row %s", job.pk, context.row)
            job.refresh_from_db()
            if context.row:
                message = _(
                    "Erreur inattendue à la ligne %(row)s (%(error)s) : rien n'a été importé."
                ) % {"row": context.row, "error": type(exc).__name__}
            else:
                message = _("Erreur inattendue (%(error)s) : rien n'a été importé.") % {
                    "error": type(exc).__name__
                }
            _finish(job, ImportStatus.FAILED, {**job.report, "error": message})
            return ImportStatus.FAILED
        finally:
            cache.delete(_progress_key(job.pk))
    return ImportStatus.DONE


def _progress_key(job_id: int) -> str:
    return f"directory:import:{job_id}:written"


def write_progress(job: ImportJob) -> int | None:
    """Rows written so far by a running import, when the cache is shared with the worker
    (Redis); None otherwise: the rows are written in one transaction, which nobody else sees
    before it ends."""
    if job.status != ImportStatus.IMPORTING:
        return None
    value = cache.get(_progress_key(job.pk))
    return int(value) if value is not None else None


# --- Reports -------------------------------------------------------------------------------------


def _problem_order(problem: Problem) -> tuple[int, int, str]:
    return (problem.row, len(problem.letter), problem.letter)


def _report(
    job: ImportJob, plan: Plan, outcome: _Outcome | None, *, done: bool = False
) -> dict[str, Any]:
    table: Table = plan.table
    problems = sorted(plan.problems, key=_problem_order)
    report: dict[str, Any] = {
        "encoding": job.encoding,
        "delimiter": table.delimiter,
        "rows": len(table.rows),
        "file_errors": list(table.file_errors),
        "problems": [p.as_dict() for p in problems[:MAX_PROBLEMS]],
        "problems_total": len(problems),
        "notes": [p.as_dict() for p in sorted(plan.notes, key=_problem_order)[:MAX_PROBLEMS]],
    }
    if outcome is not None:
        report["summary" if not done else "result"] = outcome.counts()
        report["new_themes"] = outcome.new_themes
    return report


# --- Running a plan (dry or for real) --------------------------------------------------------


@dataclass
class _NewCard:
    """A card to create, with what hangs on it: written in bulk, a chunk at a time."""

    card: Any
    row: int
    parent: str | None = None  # "row:<n>": a new organisation above, maybe in the same chunk
    contacts: Sequence[ContactPlan] = ()
    themes: Sequence[Theme] = ()
    managers: Sequence[Any] = ()
    functions: Sequence[tuple[int, str]] = ()


@dataclass
class _Context:
    job: ImportJob
    write: bool
    row: int = 0
    now: Any = field(default_factory=timezone.now)
    created_rows: dict[str, int] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    pending: list[_NewCard] = field(default_factory=list)


@dataclass
class _Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people: list[int] = field(default_factory=list)
    organisations: list[int] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.created + self.updated + self.unchanged,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)


def _run(plan: Plan, context: _Context) -> _Outcome:
    """Every row of a clean plan, in file order: written when ``context.write``, else only
    counted (the dry run's summary comes from the very code that writes)."""
    if plan.lookups is None:
        raise ValueError("Only a checked plan can run")
    context.themes = dict(plan.lookups.themes)
    outcome = _Outcome()
    rows: Sequence[Any] = plan.rows
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        existing = _existing(plan.kind, [r.existing_pk for r in chunk if r.existing_pk], context)
        for row in chunk:
            context.row = row.row
            card = existing.get(row.existing_pk) if row.existing_pk else None
            if plan.kind == ImportKind.ORGANISATIONS:
                status = _write_organisation(row, card, context, outcome)
            else:
                status = _write_person(row, card, context, outcome)
            outcome.count(status)
        _flush(context, outcome)
        if context.write:
            cache.set(_progress_key(context.job.pk), start + len(chunk), 3600)
    outcome.new_themes = sorted(set(outcome.new_themes), key=fold)
    return outcome


def _existing(kind: str, pks: list[int], context: _Context) -> dict[int, Any]:
    model: Any = Organisation if kind == ImportKind.ORGANISATIONS else Person
    queryset = model.objects.filter(pk__in=pks)
    if context.write:
        queryset = queryset.select_for_update()
    if kind == ImportKind.ORGANISATIONS:
        queryset = queryset.prefetch_related("contacts", "themes", "managers")
    else:
        queryset = queryset.prefetch_related("contacts", "themes", "functions")
    return {card.pk: card for card in queryset}


def _flush(context: _Context, outcome: _Outcome) -> None:
    """Create the pending cards and what hangs on them, a few queries per chunk."""
    pending, context.pending = context.pending, []
    if not pending:
        return
    context.row = 0  # a failure here concerns the whole chunk, not one row
    model: Any = type(pending[0].card)
    model.objects.bulk_create([new.card for new in pending])
    is_organisation = model is Organisation
    owner = "organisation" if is_organisation else "person"
    if is_organisation:
        context.created_rows.update({f"row:{new.row}": new.card.pk for new in pending})
        reparented = [new.card for new in pending if new.parent is not None]
        for new in pending:
            if new.parent is not None:
                new.card.parent_id = context.created_rows[new.parent]
        Organisation.objects.bulk_update(reparented, ["parent"])
        outcome.organisations.extend(new.card.pk for new in pending)
        Organisation.managers.through.objects.bulk_create(
            Organisation.managers.through(organisation_id=new.card.pk, user_id=user.pk)
            for new in pending
            for user in new.managers
        )
    else:
        outcome.people.extend(new.card.pk for new in pending)
        Function.objects.bulk_create(
            Function(person_id=new.card.pk, organisation_id=org, title=title, position=position)
            for new in pending
            for position, (org, title) in enumerate(new.functions)
        )
        outcome.organisations.extend(org for new in pending for org, _title in new.functions)
    ContactPoint.objects.bulk_create(
        ContactPoint(
            kind=c.kind, value=c.value, audience=c.audience, position=i, **{owner: new.card}
        )
        for new in pending
        for i, c in enumerate(new.contacts)
    )
    through = model.themes.through
    through.objects.bulk_create(
        through(**{f"{owner}_id": new.card.pk, "theme_id": theme.pk})
        for new in pending
        for theme in {t.pk: t for t in new.themes}.values()
    )


def _theme(name: str, context: _Context, outcome: _Outcome) -> Theme:
    theme = context.themes.get(fold(name))
    if theme is None:
        theme = Theme(name=name)
        if context.write:
            base = slugify(name)[:80] or "theme"
            slug, suffix = base, 2
            while Theme.objects.filter(slug=slug).exists():
                slug, suffix = f"{base}-{suffix}", suffix + 1
            theme.slug = slug
            theme.save()
        context.themes[fold(name)] = theme
        outcome.new_themes.append(name)
    return theme


def _contact_key(kind: str, value: str) -> tuple[str, str]:
    if kind in (ContactKind.PHONE, ContactKind.MOBILE):
        return ("phone", "".join(c for c in value if c.isdigit() or c == "+"))
    return (kind, value.casefold())


def _contact_changes(
    existing: Iterable[ContactPoint], wanted: Sequence[ContactPlan]
) -> tuple[list[ContactPlan], list[tuple[ContactPoint, str]]]:
    """Contacts to add, and existing ones whose audience the file sets explicitly."""
    known = {_contact_key(c.kind, c.value): c for c in existing}
    new: list[ContactPlan] = []
    audiences: list[tuple[ContactPoint, str]] = []
    for contact in wanted:
        current = known.get(_contact_key(contact.kind, contact.value))
        if current is None:
            new.append(contact)
            known[_contact_key(contact.kind, contact.value)] = ContactPoint(
                kind=contact.kind, value=contact.value
            )
        elif contact.explicit and current.pk and current.audience != contact.audience:
            audiences.append((current, contact.audience))
    return new, audiences


def _save_contacts(
    card: Organisation | Person,
    new: Sequence[ContactPlan],
    audiences: Sequence[tuple[ContactPoint, str]],
    start: int,
) -> None:
    owner = {"organisation": card} if isinstance(card, Organisation) else {"person": card}
    ContactPoint.objects.bulk_create(
        ContactPoint(kind=c.kind, value=c.value, audience=c.audience, position=start + i, **owner)
        for i, c in enumerate(new)
    )
    for contact, audience in audiences:
        ContactPoint.objects.filter(pk=contact.pk).update(audience=audience)


def _set_fields(card: Any, values: dict[str, Any], audiences: dict[str, str]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(card, name) != value:
            setattr(card, name, value)
            changed = True
    for name, audience in audiences.items():
        if card.audience_of(name) != audience:
            card.audiences = {**(card.audiences or {}), name: audience}
            changed = True
    return changed


def _verified(card: Any, context: _Context) -> None:
    # An editor's import that changes a card counts as a verification, as an edit does.
    card.updated_at = card.last_verified_at = context.now
    card.last_verified_by = context.job.created_by
    card.stale_reminded_at = None


def _write_organisation(
    row: OrganisationPlan, org: Organisation | None, context: _Context, outcome: _Outcome
) -> str:
    """Create (a chunk at a time) or update the card of one row; in a dry run, only tell
    which it would do."""
    themes = [_theme(name, context, outcome) for name in row.themes]
    new_parent = row.parent if isinstance(row.parent, str) else None
    if org is None:
        if context.write:
            org = Organisation(
                kind=row.kind,
                name=row.name,
                commune=row.commune,
                parent_id=row.parent if isinstance(row.parent, int) else None,
                audiences=dict(row.audiences),
                created_at=context.now,
                **row.fields,
            )
            _verified(org, context)
            context.pending.append(
                _NewCard(org, row.row, new_parent, row.contacts, themes, row.managers)
            )
        return "created"
    if context.write and new_parent is not None and new_parent not in context.created_rows:
        _flush(context, outcome)  # the new parent is pending in this chunk
        context.row = row.row
    changed = _set_fields(org, row.fields, row.audiences)
    parent = context.created_rows.get(new_parent) if new_parent else row.parent
    if row.parent is not None and (new_parent is not None or org.parent_id != parent):
        org.parent_id = parent
        changed = True
    new_contacts, audiences = _contact_changes(org.contacts.all(), row.contacts)
    have_themes = {t.pk for t in org.themes.all()}
    new_themes = [t for t in themes if t.pk is None or t.pk not in have_themes]
    have_managers = {m.pk for m in org.managers.all()}
    new_managers = [m for m in row.managers if m.pk not in have_managers]
    if not (changed or new_contacts or audiences or new_themes or new_managers):
        return "unchanged"
    if context.write:
        _verified(org, context)
        org.save()
        positions = [c.position for c in org.contacts.all()]
        _save_contacts(org, new_contacts, audiences, max(positions, default=-1) + 1)
        org.themes.add(*new_themes)
        org.managers.add(*new_managers)
        outcome.organisations.append(org.pk)
    return "updated"


def _write_person(
    row: PersonPlan, person: Person | None, context: _Context, outcome: _Outcome
) -> str:
    themes = [_theme(name, context, outcome) for name in row.themes]
    if person is None:
        if context.write:
            person = Person(
                first_name=row.first_name,
                last_name=row.last_name,
                user=row.account,
                audiences=dict(row.audiences),
                created_at=context.now,
                **row.fields,
            )
            _verified(person, context)
            context.pending.append(
                _NewCard(person, row.row, None, row.contacts, themes, functions=row.functions)
            )
        return "created"
    changed = _set_fields(person, row.fields, row.audiences)
    if row.account is not None and person.user_id is None:
        person.user = row.account
        changed = True
    new_contacts, audiences = _contact_changes(person.contacts.all(), row.contacts)
    have_themes = {t.pk for t in person.themes.all()}
    new_themes = [t for t in themes if t.pk is None or t.pk not in have_themes]
    functions = list(person.functions.all())
    have_functions = {(f.organisation_id, fold(f.title)) for f in functions}
    new_functions = [(o, t) for o, t in row.functions if (o, fold(t)) not in have_functions]
    if not (changed or new_contacts or audiences or new_themes or new_functions):
        return "unchanged"
    if context.write:
        _verified(person, context)
        person.save()
        positions = [c.position for c in person.contacts.all()]
        _save_contacts(person, new_contacts, audiences, max(positions, default=-1) + 1)
        person.themes.add(*new_themes)
        start = max((f.position for f in functions), default=-1) + 1
        Function.objects.bulk_create(
            Function(person=person, organisation_id=org, title=title, position=start + i)
            for i, (org, title) in enumerate(new_functions)
        )
        outcome.people.append(person.pk)
        outcome.organisations.extend(org for org, _title in new_functions)
    return "updated"


def describe_delimiter(delimiter: str) -> str:
    return {";": _("point-virgule"), ",": _("virgule"), "\t": _("tabulation")}.get(
        delimiter, delimiter
    )


def problem_location(problem: dict[str, Any]) -> str:
    """``"C (commune)"`` for a report line; empty for the whole row."""
    if not problem.get("letter"):
        return ""
    if problem.get("column"):
        return f"{problem['letter']} ({problem['column']})"
    return str(problem["letter"])
