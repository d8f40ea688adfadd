"""Background work of the directory: thin tasks that take ids and call services. Idempotent."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_cards(*, person_ids: list[int], organisation_ids: list[int]) -> None:
    """Bring the search index and the address books of the spaces concerned in line with
    these cards (deleted ones included)."""
    from directory import carddav, indexing

    indexing.index_cards(person_ids=person_ids, organisation_ids=organisation_ids)
    carddav.refresh_address_books_for_people(person_ids)


@task()
def refresh_space_address_book(*, space_id: int) -> None:
    from directory import carddav

    carddav.refresh_space_address_book(space_id)


@task()
def remind_stale_cards() -> int:
    from directory.services import freshness

    return freshness.remind_stale_cards()


@task()
def check_import_job(*, job_id: int) -> str:
    """The dry run of a CSV import (writes only the job's report)."""
    from directory.services import importing

    return importing.run_check(job_id)


@task()
def apply_import_job(*, job_id: int) -> str:
    """The import of a checked CSV file, in one transaction."""
    from directory.services import importing

    return importing.run_import(job_id)
