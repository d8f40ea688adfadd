"""Where document files live: a storage outside the web root, reached only through Django.

Everything goes through Django's storage API (``storages["documents"]``), so object storage can
replace the disk by changing ``STORAGES["documents"]`` in settings.
"""

from __future__ import annotations

import uuid

from django.core.files.storage import Storage, storages


def document_storage() -> Storage:
    return storages["documents"]


def version_upload_to(instance: object, filename: str) -> str:
    # The stored name carries no user input: the original name is kept in the database only.
    space_id = instance.document.space_id  # type: ignore[attr-defined]
    return f"spaces/{space_id}/{uuid.uuid4().hex}"
