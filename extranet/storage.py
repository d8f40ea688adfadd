"""File storages whose folder comes from a setting read at each use, not at import.

Tests and deployments move the folder by changing the setting, and migrations record only the
module-level callable that builds the storage (``storage=<callable>``), never a machine's
absolute path.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class SettingFolderStorage(FileSystemStorage):
    """A file-system storage in the folder named by ``setting`` (or ``var/<default_folder>``)."""

    def __init__(self, setting: str, default_folder: str) -> None:
        self._setting = setting
        self._default_folder = default_folder
        super().__init__()

    @property
    def base_location(self) -> str:
        folder = getattr(settings, self._setting, None)
        return str(folder or (settings.VAR_DIR / self._default_folder))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)
