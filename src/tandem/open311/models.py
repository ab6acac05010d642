"""Client applications of the Open311 interface: who may send reports in, and with which key.

A key is shown once, when it is issued; only its SHA-256 digest is kept (the key is 32 random
bytes, so a plain digest cannot be reversed by guessing), with its first characters so that an
administrator can tell keys apart.
"""

import hashlib

from django.conf import settings
from django.db import models


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ClientApplication(models.Model):
    """An application (a council's FixMyStreet, a mobile app) that posts reports and updates."""

    name = models.CharField(max_length=100, unique=True, help_text="For example “Castleford FixMyStreet”.")
    key_prefix = models.CharField(max_length=12, editable=False, help_text="The key's first characters.")
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_active", "name"]

    def __str__(self) -> str:
        return self.name


class ReceivedUpdate(models.Model):
    """An update a client posted, by the client's own update_id, so that sending it again (a
    client retrying after a lost answer) returns the same update instead of adding another."""

    client = models.ForeignKey(ClientApplication, on_delete=models.CASCADE, related_name="received_updates")
    client_update_id = models.CharField(max_length=100)
    update = models.ForeignKey("community.ReportUpdate", on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "client_update_id"], name="open311_one_update_per_client_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client}: update {self.client_update_id}"
