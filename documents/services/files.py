"""Storing uploaded files: validation, hashing and saving through the storage API."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File

from documents.filetypes import FileType, UploadRejected, check_upload, sanitize_filename
from documents.storage import document_storage


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, ready to be stored."""

    file: Any
    name: str
    size: int
    filetype: FileType


def max_upload_bytes() -> int:
    return int(settings.DOCUMENTS_MAX_UPLOAD_MB) * 1024 * 1024


def check_uploads(files: list[Any]) -> list[CheckedUpload]:
    """Validate every file before anything is written; raise UploadRejected listing all problems."""
    checked: list[CheckedUpload] = []
    problems: list[str] = []
    for upload in files:
        name = sanitize_filename(getattr(upload, "name", "") or "document")
        try:
            filetype = check_upload(
                upload, filename=name, size=upload.size, max_size=max_upload_bytes()
            )
        except UploadRejected as exc:
            problems.append(str(exc.message))
            continue
        checked.append(CheckedUpload(file=upload, name=name, size=upload.size, filetype=filetype))
    if problems:
        raise UploadRejected(" ".join(problems))
    return checked


def hash_and_rewind(fileobj: IO[bytes]) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def store_file(fileobj: IO[bytes], *, storage_name: str) -> str:
    """Save a file through the documents storage; returns the name actually stored."""
    fileobj.seek(0)
    return document_storage().save(storage_name, File(fileobj))


def copy_stored_file(source_name: str, *, storage_name: str) -> str:
    storage = document_storage()
    with storage.open(source_name, "rb") as source:
        return storage.save(storage_name, File(source))
