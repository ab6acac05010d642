"""Changes to residents' reports: submit, moderate, route into a group's queue, "me too",
"it's back", public updates, and residents' answers once a problem is resolved.

Every service is keyword-only and runs in a transaction; problems are created, raised again
and reopened only through ``tandem.problems.services``. Emails go after the commit.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.places.models import Area
from tandem.problems import services as problem_services
from tandem.problems.models import Category, Problem, ProblemStatusChange

from . import selectors
from .models import FlaggedWord, Report, ReportFeedback, ReportSupport, ReportUpdate, RoutingRule
from .photos import photo_clean

LINK = re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(?:com|net|org|info|biz|ru|xyz|top|io)\b", re.IGNORECASE)
MAX_NAME = 150
MAX_PHONE = 40
MAX_LOCATION = 300

STATUS_TEXT = {
    Problem.Status.SCANNING: "The problem is in the group's queue.",
    Problem.Status.ANALYSIS: "The group is looking into the problem.",
    Problem.Status.RESPONSE: "The group has agreed what to do and is acting on it.",
    Problem.Status.ASSESSMENT: "The group is checking whether what it did has worked.",
    Problem.Status.RESOLVED: (
        "The group considers the problem resolved. Is it fixed? Tell us at your private link."
    ),
    Problem.Status.CLOSED: "The group has closed the problem.",
}


FIXED_SAID = {"yes": "fixed", "partly": "partly fixed", "no": "not fixed"}


# --- Submitting -------------------------------------------------------------------------------


def _clean_text(value, *, field: str, max_length: int, errors: dict) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        errors[field] = "Remove the invalid characters."
    elif len(value) > max_length:
        errors[field] = f"Use {max_length} characters or fewer."
    return value


def _point(latitude, longitude, errors: dict) -> tuple[float | None, float | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lng = float(latitude), float(longitude)
    except (TypeError, ValueError):
        errors["latitude"] = "The map point is not a valid position."
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or lat != lat or lng != lng:
        errors["latitude"] = "The map point is not a valid position."
        return None, None
    return lat, lng


def moderation_reasons(*, partnership, texts: list[str]) -> list[str]:
    """Why a report must wait for a moderator: a link, or one of the partnership's flagged words."""
    reasons = []
    joined = "\n".join(texts)
    if LINK.search(joined):
        reasons.append("It contains a link.")
    lowered = joined.lower()
    words = FlaggedWord.objects.filter(partnership=partnership).values_list("word", flat=True)
    hits = sorted({w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", lowered)})
    if hits:
        reasons.append("It contains flagged words: " + ", ".join(hits) + ".")
    return reasons


@transaction.atomic
def report_submit(
    *,
    category,
    description: str,
    latitude=None,
    longitude=None,
    location_text: str = "",
    area: Area | None = None,
    photo=None,
    name: str = "",
    email: str = "",
    phone: str = "",
    anonymous: bool = False,
    via: str = Report.Via.WEB,
    client_name: str = "",
    ip_address: str | None = None,
    user=None,
    problem: Problem | None = None,
) -> Report:
    """A resident's report: checked, held for moderation if it has links or flagged words,
    otherwise routed at once into a group's queue. ``problem`` is the one they said "me too"
    or "it's back" to. Raises ValidationError (nothing written) on bad input."""
    errors: dict[str, str] = {}
    if not isinstance(category, Category) or not category.is_active:
        errors["category"] = "Choose what kind of problem it is."
    description = _clean_text(
        description, field="description", max_length=Report.MAX_DESCRIPTION, errors=errors
    )
    if not description and "description" not in errors:
        errors["description"] = "Describe the problem."
    location_text = _clean_text(location_text, field="location_text", max_length=MAX_LOCATION, errors=errors)
    name = _clean_text(name, field="name", max_length=MAX_NAME, errors=errors)
    phone = _clean_text(phone, field="phone", max_length=MAX_PHONE, errors=errors)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address like name@example.org."
        if len(email) > 254:
            errors["email"] = "Use 254 characters or fewer."
    if via not in Report.Via.values:
        errors["via"] = "Unknown source."
    latitude, longitude = _point(latitude, longitude, errors)
    if problem is not None:
        problem = Problem.objects.select_related("area").get(pk=problem.pk)
        if problem.merged_into_id:
            problem = Problem.objects.select_related("area").get(pk=problem.merged_into_id)
        if not problem.is_public:
            errors["problem"] = "That problem cannot be reported again here."
        elif area is None and latitude is None:
            area = problem.area
            location_text = location_text or problem.location_text
            latitude, longitude = problem.latitude, problem.longitude
    if latitude is None and area is None and not location_text and "latitude" not in errors:
        errors["location_text"] = "Say where the problem is: put a pin on the map, or type the place."
    if errors:
        raise ValidationError(errors)

    partnership, found_area = selectors.report_partnership(area=area, latitude=latitude, longitude=longitude)
    if problem is not None:
        partnership = problem.partnership
    if partnership is None:
        raise ValidationError({"location_text": "That place is outside the areas we cover."})
    cleaned_photo = photo_clean(photo) if photo else None

    report = Report(
        partnership=partnership,
        category=category,
        description=description,
        latitude=latitude,
        longitude=longitude,
        location_text=location_text,
        area=area or found_area,
        name=name,
        email=email,
        phone=phone,
        anonymous=bool(anonymous),
        user=user if getattr(user, "is_authenticated", False) else None,
        ip_address=ip_address or None,
        via=via,
        client_name=(client_name or "")[:150],
        wanted_problem=problem,
    )
    report.moderation_reasons = moderation_reasons(
        partnership=partnership, texts=[description, location_text, name]
    )
    report.full_clean(exclude=["photo", "reference", "token"])
    while Report.objects.filter(reference=report.reference).exists():
        report.reference = Report._meta.get_field("reference").default()
    saved_photo = ""
    try:
        if cleaned_photo is not None:
            report.photo.save(cleaned_photo.name, cleaned_photo, save=False)
            saved_photo = report.photo.name
        report.save()
        _update_add(report, text="We have your report.", source=ReportUpdate.Source.STATUS_CHANGE)
        if not report.moderation_reasons:
            try:
                with transaction.atomic():
                    _route(report, by=user)
            except NoGroup:
                report.moderation_reasons = ["No routing rule says which group receives it."]
                report.save(update_fields=["moderation_reasons", "updated_at"])
    except BaseException:
        if saved_photo:
            report.photo.storage.delete(saved_photo)
        raise
    _send_follow_link(report)
    return report


class NoGroup(ValidationError):
    """No routing rule matches the report (and no open problem it could join)."""


# --- Routing -----------------------------------------------------------------------------------


def _problem_title(report: Report) -> str:
    place = report.location_text or (report.area.name if report.area_id else "") or "a place on the map"
    return f"{report.category.name}: {place}"[:200]


def _note(report: Report) -> str:
    return f"Report {report.reference} ({report.get_via_display().lower()}): {report.description}"


def _route(report: Report, *, by) -> None:
    """Put an accepted report in front of a group: "it's back" on a resolved problem reopens it,
    "me too" or a match near the same place raises the count, otherwise a new problem."""
    by = by if getattr(by, "is_authenticated", False) else None
    wanted = report.wanted_problem
    if wanted is not None and wanted.merged_into_id:
        wanted = wanted.merged_into
    if wanted is not None:
        if not wanted.is_open:
            problem_services.problem_set_status(
                problem=wanted,
                to_status=Problem.Status.SCANNING,
                reason=f"It's back: a resident reported it again ({report.reference}).",
                by=by,
            )
            outcome = Report.Outcome.BACK
        else:
            outcome = Report.Outcome.ME_TOO
        _attach(report, wanted, outcome=outcome, by=by)
        return
    existing = selectors.report_existing_problem(
        partnership=report.partnership,
        category=report.category,
        area=report.area,
        latitude=report.latitude,
        longitude=report.longitude,
        description=report.description,
    )
    if existing is not None:
        _attach(report, existing, outcome=Report.Outcome.MERGED, by=by)
        return
    group = selectors.routing_group(
        partnership=report.partnership, area=report.area, category=report.category
    )
    if group is None:
        raise NoGroup(
            {"category": "No routing rule says which group receives this report: add one, then accept it."}
        )
    problem = problem_services.problem_create(
        partnership=report.partnership,
        group=group,
        title=_problem_title(report),
        description=report.description,
        category=report.category,
        area=report.area,
        latitude=report.latitude,
        longitude=report.longitude,
        location_text=report.location_text,
        raised_by=Problem.RaisedBy.RESIDENT,
        by=by,
    )
    problem_report = problem.reports.order_by("pk").first()
    problem_report.note = _note(report)
    problem_report.save(update_fields=["note"])
    report.problem = problem
    report.problem_report = problem_report
    report.outcome = Report.Outcome.NEW
    report.status = Report.Status.ACCEPTED
    report.save(update_fields=["problem", "problem_report", "outcome", "status", "updated_at"])
    _update_add(report, text=f"Your report is with {group.name}.", source=ReportUpdate.Source.STATUS_CHANGE)


def _attach(report: Report, problem: Problem, *, outcome: str, by) -> None:
    problem_report = problem_services.problem_raise_again(
        problem=problem, raised_by=Problem.RaisedBy.RESIDENT, note=_note(report), by=by
    )
    problem.refresh_from_db()
    report.problem = problem
    report.problem_report = problem_report
    report.outcome = outcome
    report.status = Report.Status.ACCEPTED
    report.save(update_fields=["problem", "problem_report", "outcome", "status", "updated_at"])
    group = problem.group.name
    text = {
        Report.Outcome.BACK: f"The problem has been reopened and is back in front of {group}.",
        Report.Outcome.ME_TOO: f"Your report has been added to a problem {group} is already working on.",
        Report.Outcome.MERGED: "The problem was already reported: your report has been merged into the "
        f"existing one and raises its count with {group}.",
    }[outcome]
    _update_add(report, text=text, source=ReportUpdate.Source.STATUS_CHANGE)


# --- Moderation -------------------------------------------------------------------------------


@transaction.atomic
def report_accept(*, report: Report, by) -> Report:
    """A moderator lets a held report through: it is routed now."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.PENDING:
        raise ValidationError({"status": "This report has already been moderated."})
    report.moderated_by = by
    report.moderated_at = timezone.now()
    report.save(update_fields=["moderated_by", "moderated_at", "updated_at"])
    _route(report, by=by)
    return report


@transaction.atomic
def report_reject(*, report: Report, reason: str, by) -> Report:
    """A moderator turns a held report down, saying why (the resident sees the reason)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    reason = (reason or "").strip()
    if report.status != Report.Status.PENDING:
        raise ValidationError({"status": "This report has already been moderated."})
    if not reason:
        raise ValidationError({"reason": "Say why the report is rejected."})
    if len(reason) > 1000:
        raise ValidationError({"reason": "Use 1000 characters or fewer."})
    report.status = Report.Status.REJECTED
    report.rejected_reason = reason
    report.moderated_by = by
    report.moderated_at = timezone.now()
    report.save(update_fields=["status", "rejected_reason", "moderated_by", "moderated_at", "updated_at"])
    _update_add(
        report, text=f"Your report was not accepted: {reason}", source=ReportUpdate.Source.STATUS_CHANGE
    )
    return report


# --- Updates --------------------------------------------------------------------------------------


def _update_add(report: Report, *, text: str, source: str, status: str = "", client_name: str = "", by=None):
    extended = status or report.extended_status()
    open311 = "closed" if extended in _closed_extended() else "open"
    update = ReportUpdate(
        report=report,
        status=open311,
        extended_status=extended,
        text=text,
        source=source,
        client_name=client_name[:150],
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    update.full_clean()
    update.save()
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    return update


def _closed_extended() -> set[str]:
    from .models.reports import CLOSED_EXTENDED

    return CLOSED_EXTENDED


@transaction.atomic
def report_update_add(
    *, report: Report, text: str, status: str = "", source: str, client_name: str = "", by=None
) -> ReportUpdate:
    """A public update on a report (an officer's, an Open311 client's or the resident's comment).

    ``status`` is an extended status (e.g. "IN_PROGRESS"); empty keeps the report's current one."""
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = "Write the update."
    elif len(text) > ReportUpdate.MAX_TEXT or "\x00" in text:
        errors["text"] = f"Use {ReportUpdate.MAX_TEXT} characters or fewer."
    if source not in ReportUpdate.Source.values:
        errors["source"] = "Unknown source."
    status = (status or "").strip().upper()
    known = {*_closed_extended(), "OPEN", "INVESTIGATING", "IN_PROGRESS", "ACTION_SCHEDULED"}
    if status and status not in known:
        errors["status"] = "Unknown status."
    if errors:
        raise ValidationError(errors)
    return _update_add(report, text=text, source=source, status=status, client_name=client_name, by=by)


def problem_status_changed(problem: Problem, change: ProblemStatusChange) -> None:
    """Registered with problems: tell every resident who reported the problem, and ask them
    whether it is fixed once it is resolved. A problem merged away hands its reports on."""
    reports = list(
        Report.objects.filter(problem=problem, status=Report.Status.ACCEPTED).select_related(
            "problem", "category"
        )
    )
    if not reports:
        return
    if problem.merged_into_id:
        target = Problem.objects.get(pk=problem.merged_into_id)
        Report.objects.filter(pk__in=[r.pk for r in reports]).update(problem=target)
        for report in reports:
            report.problem = target
            _update_add(
                report,
                text="The group found the same problem reported before and put the reports together.",
                source=ReportUpdate.Source.STATUS_CHANGE,
            )
        return
    text = STATUS_TEXT.get(change.to_status, "")
    if change.to_status == Problem.Status.SCANNING and change.from_status in (
        Problem.Status.RESOLVED,
        Problem.Status.CLOSED,
    ):
        text = "The problem has been reopened and is back in front of the group."
    elif change.to_status == Problem.Status.CLOSED and problem.closed_reason:
        text = f"{text} {problem.closed_reason}"[: ReportUpdate.MAX_TEXT]
    for report in reports:
        report.problem = problem
        _update_add(report, text=text, source=ReportUpdate.Source.STATUS_CHANGE)
    if change.to_status == Problem.Status.RESOLVED:
        now = timezone.now()
        answered = set(ReportFeedback.objects.filter(report__in=reports).values_list("report_id", flat=True))
        asked = [r for r in reports if r.pk not in answered]
        Report.objects.filter(pk__in=[r.pk for r in asked]).update(feedback_requested_at=now)
        for report in asked:
            if report.email:
                _send(
                    report,
                    subject=f"Is it fixed? Your report {report.reference}",
                    template="feedback_request",
                )


# --- "Me too" and feedback ------------------------------------------------------------------------


@transaction.atomic
def report_support_add(
    *, problem: Problem, user=None, email: str = "", browser_id: str = "", by=None
) -> ReportSupport:
    """A resident's "me too" on a public, open problem: one per account, email or browser.
    It raises the problem's count with its group."""
    user = user if getattr(user, "is_authenticated", False) else None
    email = (email or "").strip().lower()
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.merged_into_id:
        problem = Problem.objects.get(pk=problem.merged_into_id)
    if not problem.is_public:
        raise ValidationError({"problem": "That problem is not public."})
    if not problem.is_open:
        raise ValidationError({"problem": 'The problem is resolved or closed: tell us "it\'s back" instead.'})
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError({"email": "Enter an email address like name@example.org."}) from exc
    if user is None and not email and not browser_id:
        raise ValidationError(
            {"email": "Give your email address, or allow the cookie, so we count you once."}
        )
    if len(browser_id) > 64:
        raise ValidationError({"problem": "Your browser's cookie is not valid."})
    already = ReportSupport.objects.filter(problem=problem)
    if user is not None:
        already = already.filter(user=user)
    elif email:
        already = already.filter(email=email)
    else:
        already = already.filter(browser_id=browser_id)
    if already.exists():
        raise ValidationError({"problem": "You have already said this affects you: you are counted once."})
    support = ReportSupport(problem=problem, user=user, email="" if user else email, browser_id=browser_id)
    try:
        with transaction.atomic():
            support.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"problem": "You have already said this affects you: you are counted once."}
        ) from exc
    support.problem_report = problem_services.problem_raise_again(
        problem=problem, raised_by=Problem.RaisedBy.RESIDENT, note='"Me too" from the public site', by=user
    )
    support.save(update_fields=["problem_report"])
    return support


def new_browser_id() -> str:
    return secrets.token_hex(16)


@transaction.atomic
def report_feedback_give(*, report: Report, fixed: str, feeling) -> ReportFeedback:
    """The resident's answer once the problem is resolved: is it fixed, how they feel now."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.problem is None or report.feedback_requested_at is None:
        raise ValidationError({"fixed": "We will ask you once the problem has been resolved."})
    if ReportFeedback.objects.filter(report=report).exists():
        raise ValidationError({"fixed": "You have already told us, thank you."})
    try:
        feeling = int(feeling)
    except (TypeError, ValueError):
        feeling = 0
    feedback = ReportFeedback(report=report, problem=report.problem, fixed=fixed, feeling=feeling)
    feedback.full_clean()
    feedback.save()
    _update_add(
        report,
        text=f"You told us it is {FIXED_SAID[fixed]}.",
        source=ReportUpdate.Source.RESIDENT,
    )
    return feedback


# --- Routing rules and flagged words (administrators) ---------------------------------------------


@transaction.atomic
def routing_rule_create(*, partnership, group, area=None, category=None, by) -> RoutingRule:
    rule = RoutingRule(partnership=partnership, group=group, area=area, category=category)
    if area is not None:
        chain = {area.pk, *(a.pk for a in area.ancestors())}
        if partnership.area_id not in chain:
            raise ValidationError({"area": "Choose an area of this partnership."})
    if RoutingRule.objects.filter(partnership=partnership, area=area, category=category).exists():
        raise ValidationError(
            {"area": "There is already a rule for that area and category: remove it first."}
        )
    rule.full_clean(validate_constraints=False)
    rule.save()
    return rule


@transaction.atomic
def routing_rule_delete(*, rule: RoutingRule, by) -> None:
    rule.delete()


@transaction.atomic
def flagged_word_add(*, partnership, word: str, by) -> FlaggedWord:
    flagged = FlaggedWord(partnership=partnership, word=(word or "").strip().lower())
    if len(flagged.word) > 100:
        raise ValidationError({"word": "Use 100 characters or fewer."})
    if FlaggedWord.objects.filter(partnership=partnership, word=flagged.word).exists():
        raise ValidationError({"word": "That word is already on the list."})
    flagged.full_clean(validate_constraints=False)
    flagged.save()
    return flagged


@transaction.atomic
def flagged_word_delete(*, flagged: FlaggedWord, by) -> None:
    flagged.delete()


# --- Email ----------------------------------------------------------------------------------------


def _follow_url(report: Report) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{report.get_absolute_url()}"


def _send(report: Report, *, subject: str, template: str) -> None:
    context = {"report": report, "follow_url": _follow_url(report)}
    body = render_to_string(f"community/report_email/{template}.txt", context)
    recipient = report.email
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=True)
    )


def _send_follow_link(report: Report) -> None:
    if report.email:
        _send(report, subject=f"Your report {report.reference}", template="follow_link")
