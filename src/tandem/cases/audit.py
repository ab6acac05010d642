"""Writing the case audit log: who did what to which case, when and from where.

Every view, export and change of case data, and every refused attempt, calls
``audit_record``. Entries are append-only (see ``AuditEntry``). Services take an ``Actor``
(the user and where the request came from) rather than the request itself.
"""

from dataclasses import dataclass

from django.http import HttpRequest

from .models import AuditEntry


def user_label(user) -> str:
    if user is None:
        return "Tandem (scheduled task)"
    if not getattr(user, "is_authenticated", False):
        return "Anonymous visitor"
    return f"{user.name} <{user.email}>"[:300]


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where (no user: Tandem itself, e.g. the retention task)."""

    user: object = None
    ip_address: str | None = None
    user_agent: str = ""
    path: str = ""
    label: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> "Actor":
        return cls(
            user=request.user,
            ip_address=request.META.get("REMOTE_ADDR") or None,
            user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:300],
            path=request.get_full_path()[:500],
        )

    @classmethod
    def system(cls, label: str) -> "Actor":
        return cls(user=None, label=label)

    @property
    def signed_in_user(self):
        return self.user if getattr(self.user, "is_authenticated", False) else None


def audit_record(
    *,
    actor: Actor,
    action: str,
    case=None,
    case_number: int | None = None,
    partnership_id: int | None = None,
    obj=None,
    description: str = "",
) -> AuditEntry:
    """Write one audit entry. ``case`` (or ``case_number`` when it may not exist) says which case."""
    if case is not None:
        case_number = case.pk
        partnership_id = partnership_id or case.partnership_id
    entry = AuditEntry(
        user=actor.signed_in_user,
        user_label=actor.label or user_label(actor.user),
        partnership_id=partnership_id,
        action=action,
        case_number=case_number,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        description=description[:500],
        path=actor.path,
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
    )
    entry.save(force_insert=True)
    return entry
