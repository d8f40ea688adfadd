from extranet.models.accounts import User
from extranet.models.activity import Activity
from extranet.models.audit import AuditEvent
from extranet.models.notifications import Notification, NotificationPreference
from extranet.models.portal import (
    PublicationRequest,
    PublicationState,
    PublicFile,
    PublicSnapshot,
)
from extranet.models.search import SearchEntry
from extranet.models.spaces import Invitation, Membership, Space

__all__ = [
    "Activity",
    "AuditEvent",
    "Invitation",
    "Membership",
    "Notification",
    "NotificationPreference",
    "PublicFile",
    "PublicSnapshot",
    "PublicationRequest",
    "PublicationState",
    "SearchEntry",
    "Space",
    "User",
]
