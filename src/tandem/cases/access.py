"""Who may see case data: one rule, applied in Python for one case and in SQL for lists.

A user may open a case only when they are current staff (``AgencyStaff``) of an organisation
that

1. is involved in the case (``CaseAgency``), and
2. has signed an agreement of the case's partnership that is in force today (signed by every
   party, started, not expired) and covers the case's purpose.

Everybody else gets 404, exactly as for a case that does not exist, and the attempt is written
to the audit log. Administrators are no exception: running the partnership's website is not a
lawful basis for reading a vulnerable person's file, so an administrator who needs a case is
named as staff of an involved, signatory agency like anybody else (documented in docs/cases.md).

Within a case, a timeline entry that is not shared is seen only by staff of the organisation
that owns it. Agreements are seen by officers and administrators; they are changed by
administrators and by staff of their signatory organisations. The audit log is searched only
by the partnership's data protection officers.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from tandem.partnership.access import user_is_officer

from .audit import Actor, audit_record
from .models import AgencyStaff, Agreement, AuditEntry, Case, CaseAgency, DataProtectionOfficer, Signatory


def staff_organisation_ids(user) -> frozenset[int]:
    """The organisations the user currently works for (for case work)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(
        AgencyStaff.objects.current().filter(user=user).values_list("organisation_id", flat=True)
    )


def _signed_current_agreement(*, organisation, purpose, partnership, on: dt.date) -> QuerySet[Signatory]:
    """The organisation's signatures of agreements in force that cover the purpose."""
    return Signatory.objects.filter(
        organisation_id=organisation,
        signed_on__isnull=False,
        agreement__fully_signed_on__isnull=False,
        agreement__starts_on__lte=on,
        agreement__expires_on__gte=on,
        agreement__partnership_id=partnership,
        agreement__purposes=purpose,
    )


def case_list_for_user(user, *, on: dt.date | None = None) -> QuerySet[Case]:
    """Every case the user may open, as one SQL filter (the same rule as ``access_case_for_user``)."""
    organisation_ids = staff_organisation_ids(user)
    if not organisation_ids:
        return Case.objects.none()
    on = on or timezone.localdate()
    signed = _signed_current_agreement(
        organisation=OuterRef("organisation_id"),
        purpose=OuterRef(OuterRef("purpose_id")),
        partnership=OuterRef(OuterRef("partnership_id")),
        on=on,
    )
    standing = CaseAgency.objects.filter(case_id=OuterRef("pk"), organisation_id__in=organisation_ids).filter(
        Exists(signed)
    )
    return Case.objects.filter(Exists(standing))


@dataclass(frozen=True)
class CaseAccess:
    """A case the user may open, and the organisations through which they may (their standing)."""

    case: Case
    user: object
    organisation_ids: frozenset[int]

    @property
    def acting_organisation_id(self) -> int:
        """The organisation their entries are owned by: the lead agency if they work for it."""
        if self.case.lead_organisation_id in self.organisation_ids:
            return self.case.lead_organisation_id
        return min(self.organisation_ids)

    def can_see_entry(self, entry) -> bool:
        return entry.is_shared or entry.organisation_id in self.organisation_ids

    def entries_q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}is_shared": True}) | Q(
            **{f"{prefix}organisation_id__in": self.organisation_ids}
        )


def _refuse(user, pk, request: HttpRequest | None, what: str) -> Http404:
    known = Case.objects.filter(pk=pk).values_list("partnership_id", flat=True).first() if pk else None
    audit_record(
        actor=Actor.from_request(request) if request is not None else Actor(user=user),
        action=AuditEntry.Action.REFUSED,
        case_number=pk if isinstance(pk, int) and 0 < pk < 2**31 else None,
        partnership_id=known,
        description=f"Refused: {what}",
    )
    return Http404("No such case")


def access_case_for_user(
    user, pk: int, *, write: bool = False, request: HttpRequest | None = None, what: str = "open the case"
) -> CaseAccess:
    """The case with the user's standing on it, or 404 (and an audit row of the attempt).

    ``write`` refuses changes to a closed or anonymised case with 403: the user may see it.
    """
    organisation_ids = staff_organisation_ids(user)
    rows = []
    if organisation_ids:
        on = timezone.localdate()
        signed = _signed_current_agreement(
            organisation=OuterRef("organisation_id"),
            purpose=OuterRef("case__purpose_id"),
            partnership=OuterRef("case__partnership_id"),
            on=on,
        )
        rows = list(
            CaseAgency.objects.filter(case_id=pk, organisation_id__in=organisation_ids)
            .filter(Exists(signed))
            .select_related(
                "case",
                "case__partnership",
                "case__agreement",
                "case__purpose",
                "case__lead_organisation",
                "case__lead_officer",
            )
        )
    if not rows:
        raise _refuse(user, pk, request, what)
    case = rows[0].case
    if write and case.anonymised_at:
        raise PermissionDenied("This case has been anonymised and cannot be changed.")
    if write and case.is_closed:
        raise PermissionDenied("This case is closed: reopen it to change it.")
    return CaseAccess(case=case, user=user, organisation_ids=frozenset(row.organisation_id for row in rows))


# --- Agreements ------------------------------------------------------------------------


def can_manage_agreements(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_administrator)


def access_agreement_for_user(user, pk: int, *, write: bool = False) -> Agreement:
    """Officers and administrators see agreements; administrators and staff of a signatory change them."""
    if not user_is_officer(user) and not staff_organisation_ids(user):
        raise Http404("No such agreement")
    agreement = Agreement.objects.select_related("partnership").filter(pk=pk).first()
    if agreement is None:
        raise Http404("No such agreement")
    if write and not can_change_agreement(user, agreement):
        raise PermissionDenied("Only administrators and staff of its signatory organisations can change it.")
    return agreement


def can_change_agreement(user, agreement: Agreement) -> bool:
    if can_manage_agreements(user):
        return True
    organisation_ids = staff_organisation_ids(user)
    return (
        bool(organisation_ids) and agreement.signatories.filter(organisation_id__in=organisation_ids).exists()
    )


def agreement_list_for_user(user) -> QuerySet[Agreement]:
    if user_is_officer(user) or staff_organisation_ids(user):
        return Agreement.objects.all()
    return Agreement.objects.none()


# --- The audit log ---------------------------------------------------------------------


def dpo_partnership_ids(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(DataProtectionOfficer.objects.filter(user=user).values_list("partnership_id", flat=True))


def audit_entries_for_user(user) -> QuerySet[AuditEntry]:
    """The audit entries a data protection officer may search: their partnerships' (and the
    attempts on cases that do not exist, which belong to no partnership). 403 for anyone else."""
    partnership_ids = dpo_partnership_ids(user)
    if not partnership_ids:
        raise PermissionDenied("Only the partnership's data protection officers can read the audit log.")
    return AuditEntry.objects.filter(Q(partnership_id__in=partnership_ids) | Q(partnership__isnull=True))


def user_can_open_cases(user) -> bool:
    """Anyone with standing for case work (staff of an organisation) sees the case pages."""
    return bool(staff_organisation_ids(user))
