"""Background work of the calendars: thin tasks calling the storage's maintenance. Idempotent."""

from __future__ import annotations

from django_tasks import task


@task()
def prune_dav_sync_history() -> int:
    """Delete the database storage's deletion records older than DAV_CHANGE_RETENTION_DAYS;
    returns how many went."""
    from calendars.dav.dbstorage.pruning import prune_sync_history

    return prune_sync_history().deleted
