"""Helpers shared by the directory views."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest

from directory.services.cards import image_mime
from directory.visibility import Viewer


def viewer_of(request: HttpRequest) -> Viewer:
    """The viewer of this request, computed once per request."""
    cached = getattr(request, "_directory_viewer", None)
    if cached is None:
        cached = Viewer.of(request.user)
        request._directory_viewer = cached  # type: ignore[attr-defined]
    return cached


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def error_summary(*forms: Any) -> list[dict[str, str]]:
    """Every error of the forms and formsets, with the id of the field it concerns, for the
    summary at the top of a form page (each entry links to its field)."""
    entries: list[dict[str, str]] = []

    def add_form(form: Any, prefix_label: str = "") -> None:
        for name, errors in form.errors.items():
            if name == "__all__":
                entries.extend({"href": "", "text": str(error)} for error in errors)
                continue
            field = form[name]
            label = f"{prefix_label}{field.label}"
            target = field.auto_id
            widget = field.field.widget
            multiple = getattr(widget, "allow_multiple_selected", False)
            if multiple or getattr(widget, "input_type", "") == "radio":
                target = f"{field.auto_id}_0"
            for error in errors:
                entries.append({"href": f"#{target}", "text": f"{label} : {error}"})

    for form in forms:
        if form is None:
            continue
        if hasattr(form, "forms"):
            entries.extend({"href": "", "text": str(e)} for e in form.non_form_errors())
            for index, sub in enumerate(form.forms, start=1):
                add_form(sub, f"{form.row_label} {index} — ")
        else:
            add_form(form)
    return entries


def picture_response(field: Any) -> FileResponse:
    """A stored photo or logo, for a view that has already checked who may see it."""
    try:
        handle = field.storage.open(field.name, "rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    head = handle.read(16)
    handle.seek(0)
    response = FileResponse(handle, content_type=image_mime(head))
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    # Visibility may change at any time: never cached by a shared cache, checked again soon.
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
