"""The public portal under /portal/: pages, feeds, JSON API, static export (no login)."""
