"""Every change to agreements and cases: checked, saved, with history and an audit entry.

Services take an ``Actor`` (who, and from where) so that views, the API, management commands
and the retention task all write the same audit entries.
"""

import datetime as dt
import os
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tandem.meetings import services as meeting_services
from tandem.meetings.models import AgendaItem, Meeting
from tandem.partnership.models import Organisation, Partnership
from tandem.problems.models import Problem

from .audit import Actor, audit_record
from .models import (
    Agreement,
    AuditEntry,
    Case,
    CaseAgency,
    CaseAgendaItem,
    CaseStatusChange,
    CaseSubject,
    Intervention,
    InterventionType,
    Purpose,
    Questionnaire,
    RiskAssessment,
    Signatory,
    Subject,
    Task,
    TimelineEntry,
)

Action = AuditEntry.Action


def _history_user(instance, actor: Actor) -> None:
    if actor.signed_in_user is not None:
        instance._history_user = actor.signed_in_user


# --- Agreements ------------------------------------------------------------------------

PDF_MAGIC = b"%PDF-"
DOCX_MAGIC = b"PK\x03\x04"


def agreement_document_check(upload: UploadedFile) -> str:
    """The content type of an acceptable signed document (PDF or .docx, at most 10 MB), or a
    ValidationError saying what is wrong. The extension and the file's first bytes must agree."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in Agreement.ALLOWED_TYPES:
        raise ValidationError({"document": "The signed agreement must be a PDF or a Word (.docx) file."})
    if upload.size is None or upload.size == 0:
        raise ValidationError({"document": "The file is empty."})
    if upload.size > Agreement.MAX_BYTES:
        raise ValidationError({"document": "The file must be smaller than 10 MB."})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    expected = PDF_MAGIC if extension == ".pdf" else DOCX_MAGIC
    if not head.startswith(expected):
        raise ValidationError({"document": f"The file is not a real {extension[1:].upper()} file."})
    return Agreement.ALLOWED_TYPES[extension]


def _attach_document(agreement: Agreement, document: UploadedFile) -> None:
    content_type = agreement_document_check(document)
    name = os.path.basename(document.name)[:200]
    agreement.document.save(name, document, save=False)
    agreement.document_name = name
    agreement.document_content_type = content_type
    agreement.document_size = document.size


def _refresh_signed(agreement: Agreement) -> None:
    """In force only once every party has signed: the date of the last signature, or nothing."""
    dates = list(agreement.signatories.values_list("signed_on", flat=True))
    signed_on = max(dates) if dates and all(dates) and len(dates) >= 2 else None
    if signed_on != agreement.fully_signed_on:
        agreement.fully_signed_on = signed_on
        agreement.save(update_fields=["fully_signed_on"])


def _set_signatories(agreement: Agreement, organisations: Iterable[Organisation]) -> None:
    wanted = {organisation.pk for organisation in organisations}
    current = set(agreement.signatories.values_list("organisation_id", flat=True))
    agreement.signatories.filter(organisation_id__in=current - wanted).delete()
    for organisation_id in wanted - current:
        Signatory.objects.create(agreement=agreement, organisation_id=organisation_id)
    _refresh_signed(agreement)


def _check_parties(organisations: list[Organisation]) -> None:
    if len(organisations) < 2:
        raise ValidationError({"organisations": "An agreement needs at least two signatory organisations."})


AGREEMENT_FIELDS = (
    "title",
    "purpose",
    "lawful_basis",
    "special_category_condition",
    "power",
    "data_categories",
    "retention_months",
    "retention_action",
    "starts_on",
    "expires_on",
    "review_on",
)


@transaction.atomic
def agreement_create(
    *,
    partnership: Partnership,
    purposes: Iterable[Purpose],
    organisations: Iterable[Organisation],
    actor: Actor,
    document: UploadedFile | None = None,
    **fields,
) -> Agreement:
    organisations = list(organisations)
    purposes = list(purposes)
    _check_parties(organisations)
    if not purposes:
        raise ValidationError({"purposes": "Select at least one purpose the agreement covers."})
    agreement = Agreement(partnership=partnership, created_by=actor.signed_in_user, **fields)
    agreement.full_clean(exclude=["document"])
    if document is not None:
        _attach_document(agreement, document)
    _history_user(agreement, actor)
    agreement.save()
    agreement.purposes.set(purposes)
    _set_signatories(agreement, organisations)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        partnership_id=partnership.pk,
        obj=agreement,
        description=f"Created the information-sharing agreement “{agreement.title}”",
    )
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    purposes: Iterable[Purpose],
    organisations: Iterable[Organisation],
    actor: Actor,
    document: UploadedFile | None = None,
    **fields,
) -> Agreement:
    """Change the terms. Adding a party means the agreement waits for its signature; changing the
    terms of a signed agreement asks everyone to sign again."""
    organisations = list(organisations)
    purposes = list(purposes)
    _check_parties(organisations)
    if not purposes:
        raise ValidationError({"purposes": "Select at least one purpose the agreement covers."})
    terms_changed = any(getattr(agreement, name) != value for name, value in fields.items()) or set(
        purposes
    ) != set(agreement.purposes.all())
    for name, value in fields.items():
        if name not in AGREEMENT_FIELDS:
            raise TypeError(f"Unknown agreement field {name}")
        setattr(agreement, name, value)
    agreement.full_clean(exclude=["document"])
    update_fields = list(fields)
    if document is not None:
        _attach_document(agreement, document)
        update_fields += ["document", "document_name", "document_content_type", "document_size"]
        terms_changed = True
    _history_user(agreement, actor)
    agreement.save(update_fields=update_fields or None)
    agreement.purposes.set(purposes)
    if terms_changed and agreement.fully_signed_on:
        agreement.signatories.update(signed_on=None, signer_name="", signer_role="")
    _set_signatories(agreement, organisations)
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        partnership_id=agreement.partnership_id,
        obj=agreement,
        description=f"Changed the information-sharing agreement “{agreement.title}”"
        + (" (signatures asked for again)" if terms_changed else ""),
    )
    return agreement


@transaction.atomic
def agreement_sign(
    *,
    agreement: Agreement,
    organisation: Organisation,
    signer_name: str,
    signer_role: str = "",
    signed_on: dt.date | None = None,
    actor: Actor,
) -> Signatory:
    signatory = (
        Signatory.objects.select_for_update().filter(agreement=agreement, organisation=organisation).first()
    )
    if signatory is None:
        raise ValidationError({"organisation": f"{organisation} is not a party to this agreement."})
    if signatory.signed_on:
        raise ValidationError({"organisation": f"{organisation} has already signed this agreement."})
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "The date of signature cannot be in the future."})
    if not signer_name.strip():
        raise ValidationError({"signer_name": "Enter the name of the person who signed."})
    signatory.signed_on = signed_on
    signatory.signer_name = signer_name.strip()
    signatory.signer_role = signer_role.strip()
    signatory.recorded_by = actor.signed_in_user
    signatory.full_clean()
    _history_user(signatory, actor)
    signatory.save(update_fields=["signed_on", "signer_name", "signer_role", "recorded_by"])
    _refresh_signed(agreement)
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        partnership_id=agreement.partnership_id,
        obj=signatory,
        description=f"Recorded {organisation}'s signature of “{agreement.title}” by {signatory.signer_name}",
    )
    return signatory


# --- Cases -----------------------------------------------------------------------------


def _check_standing(*, agreement: Agreement, purpose: Purpose, organisation_ids: Iterable[int]) -> None:
    if not agreement.is_in_force():
        raise ValidationError({"agreement": "This agreement is not in force: it shares nothing."})
    if not agreement.purposes.filter(pk=purpose.pk).exists():
        raise ValidationError({"purpose": "The agreement does not cover this purpose."})
    signed = set(
        agreement.signatories.filter(signed_on__isnull=False).values_list("organisation_id", flat=True)
    )
    outside = set(organisation_ids) - signed
    if outside:
        names = ", ".join(Organisation.objects.filter(pk__in=outside).values_list("name", flat=True))
        raise ValidationError(
            {"agencies": f"Not signatories of the agreement, so they cannot be involved: {names}."}
        )


@transaction.atomic
def case_open(
    *,
    agreement: Agreement,
    purpose: Purpose,
    title: str,
    lead_organisation: Organisation,
    actor: Actor,
    agencies: Iterable[Organisation] = (),
    lead_officer=None,
    summary: str = "",
    about: str = Case.About.PERSON,
    location: str = "",
    opened_on: dt.date | None = None,
) -> Case:
    """Open a case under an agreement in force. Every agency involved must have signed it."""
    agency_ids = {lead_organisation.pk, *(organisation.pk for organisation in agencies)}
    _check_standing(agreement=agreement, purpose=purpose, organisation_ids=agency_ids)
    case = Case(
        partnership_id=agreement.partnership_id,
        agreement=agreement,
        purpose=purpose,
        title=title,
        summary=summary,
        about=about,
        location=location,
        lead_organisation=lead_organisation,
        lead_officer=lead_officer,
        opened_on=opened_on or timezone.localdate(),
        created_by=actor.signed_in_user,
    )
    case.full_clean()
    _history_user(case, actor)
    case.save()
    CaseAgency.objects.bulk_create([CaseAgency(case=case, organisation_id=pk) for pk in sorted(agency_ids)])
    CaseStatusChange.objects.create(
        case=case, to_status=case.status, by=actor.signed_in_user, reason="Opened"
    )
    audit_record(actor=actor, action=Action.CREATE, case=case, obj=case, description="Opened the case")
    return case


CASE_FIELDS = ("title", "summary", "about", "location", "lead_officer", "lead_organisation")


@transaction.atomic
def case_update(*, case: Case, actor: Actor, **fields) -> Case:
    for name, value in fields.items():
        if name not in CASE_FIELDS:
            raise TypeError(f"Unknown case field {name}")
        setattr(case, name, value)
    case.full_clean()
    if not case.agencies.filter(organisation_id=case.lead_organisation_id).exists():
        raise ValidationError({"lead_organisation": "The lead agency must be one of the agencies involved."})
    _history_user(case, actor)
    case.save(update_fields=list(fields))
    audit_record(
        actor=actor, action=Action.CHANGE, case=case, obj=case, description="Changed the case summary"
    )
    return case


@transaction.atomic
def case_agency_add(*, case: Case, organisation: Organisation, actor: Actor) -> CaseAgency:
    _check_standing(agreement=case.agreement, purpose=case.purpose, organisation_ids=[organisation.pk])
    if case.agencies.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": f"{organisation} is already involved in this case."})
    agency = CaseAgency.objects.create(case=case, organisation=organisation)
    audit_record(
        actor=actor, action=Action.CHANGE, case=case, obj=agency, description=f"Involved {organisation}"
    )
    return agency


@transaction.atomic
def case_subject_add(
    *,
    case: Case,
    role: str,
    actor: Actor,
    subject: Subject | None = None,
    name: str = "",
    date_of_birth: dt.date | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    notes: str = "",
) -> CaseSubject:
    """Add someone to the case in a role: an existing subject (from another case of the
    partnership) or a new one."""
    if subject is None:
        subject = Subject(
            partnership_id=case.partnership_id,
            name=name.strip(),
            date_of_birth=date_of_birth,
            address=address,
            phone=phone,
            email=email,
            notes=notes,
        )
        subject.full_clean()
        _history_user(subject, actor)
        subject.save()
    elif subject.partnership_id != case.partnership_id:
        raise ValidationError({"subject": "Choose someone from this partnership's cases."})
    if CaseSubject.objects.filter(case=case, subject=subject, role=role).exists():
        raise ValidationError({"role": f"{subject} is already in this case in that role."})
    link = CaseSubject(case=case, subject=subject, role=role)
    link.full_clean()
    _history_user(link, actor)
    link.save()
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        case=case,
        obj=link,
        description=f"Added subject #{subject.pk} as {link.get_role_display().lower()}",
    )
    return link


@transaction.atomic
def case_subject_remove(*, link: CaseSubject, actor: Actor) -> None:
    case = link.case
    description = f"Removed subject #{link.subject_id} as {link.get_role_display().lower()}"
    _history_user(link, actor)
    link.delete()
    audit_record(actor=actor, action=Action.CHANGE, case=case, description=description)


def risk_score(questionnaire: Questionnaire, yes_ids: Iterable[int]) -> tuple[int, str]:
    """The total and the level for the questions answered yes."""
    yes_ids = set(yes_ids)
    questions = [q for q in questionnaire.questions.all() if q.pk in yes_ids]
    score = sum(q.score for q in questions)
    if any(q.makes_high for q in questions) or score >= questionnaire.high_from:
        return score, Case.Risk.HIGH
    if score >= questionnaire.medium_from:
        return score, Case.Risk.MEDIUM
    return score, Case.Risk.STANDARD


REVIEW_DAYS = {"standard": "standard_review_days", "medium": "medium_review_days", "high": "high_review_days"}


@transaction.atomic
def risk_assessment_record(
    *,
    case: Case,
    questionnaire: Questionnaire,
    yes_ids: Iterable[int],
    organisation_id: int,
    actor: Actor,
    notes: str = "",
    assessed_on: dt.date | None = None,
    review_on: dt.date | None = None,
) -> RiskAssessment:
    """Score the answers, record the assessment and set the case's risk level and review date."""
    yes_ids = set(yes_ids)
    known = set(questionnaire.questions.values_list("pk", flat=True))
    if yes_ids - known:
        raise ValidationError({"answers": "Some answers are not questions of this assessment."})
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The assessment cannot be dated in the future."})
    score, level = risk_score(questionnaire, yes_ids)
    if review_on is None:
        review_on = assessed_on + dt.timedelta(days=getattr(questionnaire, REVIEW_DAYS[level]))
    if review_on <= assessed_on:
        raise ValidationError({"review_on": "The review date must be after the assessment."})
    assessment = RiskAssessment(
        case=case,
        questionnaire=questionnaire,
        # Every question's answer, so an assessment with no "yes" (standard risk) is recorded too.
        answers={str(pk): pk in yes_ids for pk in sorted(known)},
        score=score,
        level=level,
        assessed_on=assessed_on,
        review_on=review_on,
        notes=notes,
        organisation_id=organisation_id,
        assessed_by=actor.signed_in_user,
    )
    assessment.full_clean()
    _history_user(assessment, actor)
    assessment.save()
    latest = case.risk_assessments.order_by("-assessed_on", "-pk").first()
    if latest.pk == assessment.pk:
        case.risk_level, case.risk_review_on = level, review_on
        _history_user(case, actor)
        case.save(update_fields=["risk_level", "risk_review_on"])
    audit_record(
        actor=actor,
        action=Action.CREATE,
        case=case,
        obj=assessment,
        description=f"Recorded a risk assessment: {assessment.get_level_display().lower()} ({score})",
    )
    return assessment


@transaction.atomic
def timeline_entry_add(
    *,
    case: Case,
    text: str,
    organisation_id: int,
    actor: Actor,
    kind: str = TimelineEntry.Kind.NOTE,
    is_shared: bool = True,
    happened_at: dt.datetime | None = None,
) -> TimelineEntry:
    happened_at = happened_at or timezone.now()
    if happened_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"happened_at": "A contact or note cannot be in the future."})
    entry = TimelineEntry(
        case=case,
        kind=kind,
        text=text,
        organisation_id=organisation_id,
        is_shared=is_shared,
        happened_at=happened_at,
        by=actor.signed_in_user,
    )
    entry.full_clean()
    _history_user(entry, actor)
    entry.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        case=case,
        obj=entry,
        description=f"Added a {entry.get_kind_display().lower()}" + ("" if is_shared else " (not shared)"),
    )
    return entry


@transaction.atomic
def task_create(
    *, case: Case, organisation: Organisation, description: str, due_on: dt.date, actor: Actor
) -> Task:
    if not case.agencies.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": "Choose one of the agencies involved in the case."})
    task = Task(
        case=case,
        organisation=organisation,
        description=description,
        due_on=due_on,
        created_by=actor.signed_in_user,
    )
    task.full_clean()
    _history_user(task, actor)
    task.save()
    audit_record(
        actor=actor, action=Action.CREATE, case=case, obj=task, description=f"Set a task for {organisation}"
    )
    return task


@transaction.atomic
def task_complete(*, task: Task, actor: Actor, done_on: dt.date | None = None) -> Task:
    if task.status != Task.Status.OPEN:
        raise ValidationError({"status": "Only an open task can be marked done."})
    task.status, task.done_on = Task.Status.DONE, done_on or timezone.localdate()
    _history_user(task, actor)
    task.save(update_fields=["status", "done_on"])
    audit_record(
        actor=actor, action=Action.CHANGE, case=task.case, obj=task, description="Marked a task done"
    )
    return task


@transaction.atomic
def task_cancel(*, task: Task, reason: str, actor: Actor) -> Task:
    if task.status != Task.Status.OPEN:
        raise ValidationError({"status": "Only an open task can be cancelled."})
    if not reason.strip():
        raise ValidationError({"cancel_reason": "Enter why the task is cancelled."})
    task.status, task.cancel_reason = Task.Status.CANCELLED, reason.strip()
    task.full_clean()
    _history_user(task, actor)
    task.save(update_fields=["status", "cancel_reason"])
    audit_record(actor=actor, action=Action.CHANGE, case=task.case, obj=task, description="Cancelled a task")
    return task


@transaction.atomic
def intervention_record(
    *,
    case: Case,
    type: InterventionType,
    organisation_id: int,
    actor: Actor,
    subject: Subject | None = None,
    started_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    outcome: str = "",
    notes: str = "",
) -> Intervention:
    if subject is not None and not case.subject_roles.filter(subject=subject).exists():
        raise ValidationError({"subject": "Choose someone in this case."})
    intervention = Intervention(
        case=case,
        type=type,
        organisation_id=organisation_id,
        subject=subject,
        started_on=started_on or timezone.localdate(),
        ends_on=ends_on,
        outcome=outcome,
        notes=notes,
        by=actor.signed_in_user,
    )
    intervention.full_clean()
    _history_user(intervention, actor)
    intervention.save()
    audit_record(
        actor=actor, action=Action.CREATE, case=case, obj=intervention, description=f"Recorded: {type}"
    )
    return intervention


@transaction.atomic
def intervention_set_outcome(
    *, intervention: Intervention, outcome: str, actor: Actor, ends_on: dt.date | None = None, notes: str = ""
) -> Intervention:
    intervention.outcome = outcome
    intervention.ends_on = ends_on or intervention.ends_on
    if notes:
        intervention.notes = notes
    intervention.full_clean()
    _history_user(intervention, actor)
    intervention.save(update_fields=["outcome", "ends_on", "notes"])
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        case=intervention.case,
        obj=intervention,
        description=f"Recorded the outcome of {intervention.type}: "
        f"{intervention.get_outcome_display().lower()}",
    )
    return intervention


@transaction.atomic
def case_set_status(
    *,
    case: Case,
    status: str,
    actor: Actor,
    reason: str = "",
    closure_reason: str = "",
    closure_outcome: str = "",
) -> CaseStatusChange:
    """The one way a case changes status (see ``Case.TRANSITIONS``). Closing needs a reason and
    an outcome, and no open tasks: each must be done or cancelled with a reason first."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.anonymised_at:
        raise ValidationError({"status": "An anonymised case cannot change."})
    if status not in Case.TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            {
                "status": f"A case that is {case.get_status_display().lower()} cannot become "
                f"{Case.Status(status).label.lower() if status in Case.Status.values else status}."
            }
        )
    update_fields = ["status"]
    if status == Case.Status.CLOSED:
        errors = {}
        open_tasks = case.tasks.filter(status=Task.Status.OPEN).count()
        if open_tasks:
            errors["status"] = (
                f"The case has {open_tasks} open task{'s' if open_tasks != 1 else ''}: mark "
                f"{'each' if open_tasks != 1 else 'it'} done, or cancel it with a reason, "
                "before closing the case."
            )
        if closure_reason not in Case.ClosureReason.values:
            errors["closure_reason"] = "Select why the case is being closed."
        if not closure_outcome.strip():
            errors["closure_outcome"] = "Enter the outcome for the people in the case."
        if errors:
            raise ValidationError(errors)
        case.closed_at = timezone.now()
        case.closure_reason, case.closure_outcome = closure_reason, closure_outcome.strip()
        update_fields += ["closed_at", "closure_reason", "closure_outcome"]
        reason = reason or case.get_closure_reason_display()
    elif case.status == Case.Status.CLOSED:
        if not reason.strip():
            raise ValidationError({"reason": "Enter why the case is being reopened."})
        case.closed_at = None
        case.closure_reason, case.closure_outcome = "", ""
        update_fields += ["closed_at", "closure_reason", "closure_outcome"]
    change = CaseStatusChange(
        case=case, from_status=case.status, to_status=status, reason=reason, by=actor.signed_in_user
    )
    case.status = status
    _history_user(case, actor)
    case.save(update_fields=update_fields)
    change.save()
    audit_record(
        actor=actor,
        action=Action.STATUS,
        case=case,
        obj=change,
        description=f"Changed status from {change.get_from_status_display().lower()} "
        f"to {change.get_to_status_display().lower()}",
    )
    return change


@transaction.atomic
def case_problem_link(*, case: Case, problem: Problem, actor: Actor) -> None:
    if problem.partnership_id != case.partnership_id:
        raise ValidationError({"problem": "Choose a problem of this partnership."})
    case.problems.add(problem)
    audit_record(
        actor=actor, action=Action.CHANGE, case=case, obj=problem, description=f"Linked problem #{problem.pk}"
    )


@transaction.atomic
def case_problem_unlink(*, case: Case, problem: Problem, actor: Actor) -> None:
    case.problems.remove(problem)
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        case=case,
        obj=problem,
        description=f"Unlinked problem #{problem.pk}",
    )


@transaction.atomic
def case_agenda_add(
    *,
    case: Case,
    meeting: Meeting,
    organisation_id: int,
    actor: Actor,
    title: str = "",
    item: AgendaItem | None = None,
) -> CaseAgendaItem:
    """Put the case on a meeting's agenda as a confidential item (a new one, or an existing
    confidential item). The item's title names the case reference, never a person."""
    if meeting.group.partnership_id != case.partnership_id:
        raise ValidationError({"meeting": "Choose a meeting of this partnership."})
    if item is None:
        item = meeting_services.agenda_item_add(
            meeting=meeting,
            title=title.strip() or f"Case discussion ({case.reference})",
            description="Confidential: personal data. Kept with the case, not in the public minutes.",
            is_confidential=True,
            by=actor.signed_in_user,
        )
    else:
        if item.meeting_id != meeting.pk:
            raise ValidationError({"item": "Choose an item of this meeting."})
        if not item.is_confidential:
            raise ValidationError({"item": "Only a confidential item can be linked to a case."})
        if CaseAgendaItem.objects.filter(case=case, item=item).exists():
            raise ValidationError({"item": "This item is already linked to the case."})
    link = CaseAgendaItem.objects.create(
        case=case, item=item, organisation_id=organisation_id, by=actor.signed_in_user
    )
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        case=case,
        obj=link,
        description=f"Put the case on the agenda of {meeting} as a confidential item",
    )
    return link


# --- Retention -------------------------------------------------------------------------

ANONYMISED = "Anonymised"


def _anonymise(case: Case) -> None:
    now = timezone.now()
    subject_ids = list(case.subject_roles.values_list("subject_id", flat=True))
    # Subjects still in a case that is kept are left alone; the others lose their details.
    kept = set(
        CaseSubject.objects.filter(subject_id__in=subject_ids, case__anonymised_at__isnull=True)
        .exclude(case=case)
        .values_list("subject_id", flat=True)
    )
    Subject.objects.filter(pk__in=set(subject_ids) - kept).update(
        name=ANONYMISED, date_of_birth=None, address="", phone="", email="", notes="", anonymised_at=now
    )
    case.timeline.update(text="[removed under the agreement's retention period]")
    case.tasks.update(description="[removed]", cancel_reason="")
    case.interventions.update(notes="", subject=None)
    case.risk_assessments.update(notes="", answers={})
    Case.objects.filter(pk=case.pk).update(
        title=f"{ANONYMISED} case",
        summary="",
        location="",
        closure_outcome="",
        lead_officer=None,
        anonymised_at=now,
    )
    for model in (Case, Subject, TimelineEntry, Task, Intervention, RiskAssessment, CaseSubject):
        # The history tables would otherwise keep what was removed.
        history = model.history.model.objects
        if model is Case:
            history.filter(id=case.pk).delete()
        elif model is Subject:
            history.filter(id__in=set(subject_ids) - kept).delete()
        else:
            history.filter(case_id=case.pk).delete()


def _delete(case: Case) -> None:
    subject_ids = list(case.subject_roles.values_list("subject_id", flat=True))
    for model in (TimelineEntry, Task, Intervention, RiskAssessment, CaseSubject):
        model.history.model.objects.filter(case_id=case.pk).delete()
    Case.history.model.objects.filter(id=case.pk).delete()
    case.delete()
    orphans = list(
        Subject.objects.filter(pk__in=subject_ids, case_roles__isnull=True).values_list("pk", flat=True)
    )
    Subject.history.model.objects.filter(id__in=orphans).delete()
    Subject.objects.filter(pk__in=orphans).delete()


def case_apply_retention(*, case: Case, actor: Actor) -> str:
    """Delete or anonymise one closed case whose retention period has ended (the agreement says
    which), and write the audit entry that says so. Returns the action taken."""
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("agreement").get(pk=case.pk)
        action = case.agreement.retention_action
        number, partnership_id, reference = case.pk, case.partnership_id, case.reference
        closed = timezone.localtime(case.closed_at).date()
        months = case.agreement.retention_months
        if action == Agreement.RetentionAction.ANONYMISE:
            _anonymise(case)
            entry_action = Action.ANONYMISE
        else:
            _delete(case)
            entry_action = Action.DELETE
        audit_record(
            actor=actor,
            action=entry_action,
            case_number=number,
            partnership_id=partnership_id,
            description=f"{reference} closed on {closed:%-d %B %Y}; retention period of {months} months "
            "ended: "
            f"{'anonymised' if entry_action == Action.ANONYMISE else 'deleted'}",
        )
    return entry_action
