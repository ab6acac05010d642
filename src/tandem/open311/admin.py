from django.contrib import admin

from .models import ClientApplication, ReceivedUpdate
from .services import client_revoke


@admin.register(ClientApplication)
class ClientApplicationAdmin(admin.ModelAdmin):
    """Keys are issued on /open311/v2/clients/ (shown once) or with create_open311_client; the admin
    shows them and revokes them through the same service (the "Revoke" action)."""

    list_display = ["name", "key_prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "key_prefix"]
    fields = [
        "name",
        "key_prefix",
        "is_active",
        "created_by",
        "created_at",
        "revoked_by",
        "revoked_at",
        "last_used_at",
    ]
    readonly_fields = [
        "key_prefix",
        "is_active",
        "created_by",
        "created_at",
        "revoked_by",
        "revoked_at",
        "last_used_at",
    ]

    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset) -> None:
        for client in queryset:
            client_revoke(client=client, by=request.user)
        self.message_user(
            request, f"{queryset.count()} key(s) revoked: their requests are refused from now on."
        )


@admin.register(ReceivedUpdate)
class ReceivedUpdateAdmin(admin.ModelAdmin):
    list_display = ["client", "client_update_id", "update", "received_at"]
    list_filter = ["client"]
    readonly_fields = ["client", "client_update_id", "update", "received_at"]

    def has_add_permission(self, request) -> bool:
        return False
