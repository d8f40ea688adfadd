from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from extranet.audit import record_audit
from extranet.models import AuditEvent, Invitation, Membership, Space, User
from extranet.models.audit import AuditAction


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("full_name",)}),
        (
            _("Droits sur le site"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


class MembershipInline(admin.TabularInline[Membership, Space]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin[Space]):
    list_display = ["name", "slug", "kind", "visibility", "mfa_required", "is_archived"]
    list_filter = ["kind", "visibility", "mfa_required", "is_archived"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Space, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]  # admin is signed in
        super().save_model(request, obj, form, change)
        record_audit(
            action=AuditAction.SPACE_UPDATED if change else AuditAction.SPACE_CREATED,
            actor=request.user,
            space=obj,
            target=obj.slug,
            details={"via": "admin", "fields": list(form.changed_data)},
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "space", "role", "created_at", "expires_at", "status"]
    list_filter = ["space", "role"]
    search_fields = ["email"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = [
        "created_at",
        "action",
        "actor_label",
        "space_label",
        "target_label",
        "ip_address",
    ]
    list_filter = ["action", "space"]
    search_fields = ["actor_label", "target_label", "space_label"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
