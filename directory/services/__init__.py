"""The directory's writes. ``cards``: people and organisations (engineer A); ``importing`` and
``freshness``: CSV onboarding and stale-card reminders."""
