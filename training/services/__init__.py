"""The writes of the training app (courses, sessions, registrations, attendance, surveys)."""
