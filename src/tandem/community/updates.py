""" "You said, we did" updates and the newsletters made of them.

An update is written by a group's organisers, pre-filled from a closed problem (what
residents said, how it was closed) or an evaluated action (what was done, whether it
worked). A newsletter gathers some of a group's published updates; publishing puts it on
the web, sending emails it to the confirmed subscribers of the group's neighbourhood(s)
from a background task with one ``NewsletterDelivery`` row per recipient.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.actionplans.models import Action
from tandem.partnership.models import Group
from tandem.problems.models import Problem

from .models import Newsletter, NewsletterDelivery, Update
from .neighbourhoods import areas_of_group, upcoming_events, upcoming_meetings
from .subscriptions import confirmed_subscriptions, unsubscribe_headers, unsubscribe_url

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SUGGESTIONS = 20


# --- Updates --------------------------------------------------------------------------------


@dataclass
class Suggestion:
    """A pre-filled update: from a closed problem or an evaluated action."""

    key: str  # "problem-<pk>" or "action-<pk>"
    title: str
    you_said: str
    we_did: str
    problem: Problem | None = None
    action: Action | None = None


def _action_text(action: Action) -> str:
    parts = [action.description.strip()]
    if action.worked:
        parts.append(f"Did it work? {action.get_worked_display()}.")
    if action.evaluation_evidence.strip():
        parts.append(action.evaluation_evidence.strip())
    return "\n\n".join(part for part in parts if part)


def suggestion_from_problem(problem: Problem) -> Suggestion:
    actions = [a for a in problem.actions.all() if a.is_public and a.status != Action.Status.CANCELLED]
    we_did = "\n\n".join(_action_text(action) for action in actions)
    if problem.closed_reason.strip():
        we_did = "\n\n".join(part for part in (we_did, problem.closed_reason.strip()) if part)
    return Suggestion(
        key=f"problem-{problem.pk}",
        title=problem.title,
        you_said=problem.description.strip() or problem.title,
        we_did=we_did,
        problem=problem,
    )


def suggestion_from_action(action: Action) -> Suggestion:
    said = action.issue.strip() or (action.problem.title if action.problem else "")
    return Suggestion(
        key=f"action-{action.pk}",
        title=(action.problem.title if action.problem else said.splitlines()[0] if said else "")[:200]
        or action.description[:200],
        you_said=said,
        we_did=_action_text(action),
        problem=action.problem,
        action=action,
    )


def update_suggestions(*, group: Group) -> list[Suggestion]:
    """The group's public resolved or closed problems and its public evaluated actions that no
    update has been written from yet, most recent first."""
    used_problems = Update.objects.filter(group=group, problem__isnull=False).values("problem_id")
    used_actions = Update.objects.filter(group=group, action__isnull=False).values("action_id")
    problems = (
        Problem.objects.filter(
            group=group,
            is_public=True,
            merged_into__isnull=True,
            status__in=[Problem.Status.RESOLVED, Problem.Status.CLOSED],
        )
        .exclude(pk__in=used_problems)
        .prefetch_related("actions")
        .order_by("-updated_at", "-pk")[:SUGGESTIONS]
    )
    actions = (
        Action.objects.filter(group=group, is_public=True)
        .exclude(worked="")
        .exclude(pk__in=used_actions)
        .exclude(problem__in=used_problems)
        .select_related("problem")
        .order_by("-evaluated_on", "-pk")[:SUGGESTIONS]
    )
    found = [suggestion_from_action(action) for action in actions]
    seen = {s.problem.pk for s in found if s.problem}
    found += [suggestion_from_problem(p) for p in problems if p.pk not in seen]
    return found


def update_create(
    *,
    group: Group,
    title: str,
    you_said: str,
    we_did: str,
    problem: Problem | None = None,
    action: Action | None = None,
    publish: bool = False,
    by=None,
) -> Update:
    if problem is not None and problem.group_id != group.pk:
        raise ValidationError({"problem": "Choose one of the group's own problems."})
    if action is not None and action.group_id != group.pk:
        raise ValidationError({"action": "Choose one of the group's own actions."})
    update = Update(
        group=group,
        title=title.strip(),
        you_said=you_said.strip(),
        we_did=we_did.strip(),
        problem=problem,
        action=action,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if publish:
        update.status = Update.Status.PUBLISHED
        update.published_at = timezone.now()
    with transaction.atomic():
        update.full_clean()
        update.save()
    return update


def update_publish(*, update: Update, by=None) -> Update:
    if update.is_published:
        raise ValidationError("This update has already been published.")
    with transaction.atomic():
        update.status = Update.Status.PUBLISHED
        update.published_at = timezone.now()
        update.save(update_fields=["status", "published_at"])
    return update


# --- Newsletters ----------------------------------------------------------------------------


def newsletter_create(
    *, group: Group, title: str, introduction: str = "", updates: list[Update], by=None
) -> Newsletter:
    if not updates:
        raise ValidationError({"updates": "Choose at least one update for the newsletter."})
    if any(u.group_id != group.pk or not u.is_published for u in updates):
        raise ValidationError({"updates": "Choose from the group's published updates."})
    newsletter = Newsletter(
        group=group,
        title=title.strip(),
        introduction=introduction.strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    with transaction.atomic():
        newsletter.full_clean()
        newsletter.save()
        newsletter.updates.set(updates)
    return newsletter


def newsletter_publish(*, newsletter: Newsletter, by=None) -> Newsletter:
    if newsletter.is_published:
        raise ValidationError("This newsletter has already been published.")
    with transaction.atomic():
        newsletter.status = Newsletter.Status.PUBLISHED
        newsletter.published_at = timezone.now()
        newsletter.save(update_fields=["status", "published_at"])
    return newsletter


def _enqueue(newsletter: Newsletter) -> None:
    from .neighbourhood_tasks import send_newsletter

    newsletter_id = newsletter.pk
    transaction.on_commit(lambda: send_newsletter.enqueue(newsletter_id))


def newsletter_send(*, newsletter: Newsletter, by=None) -> list[NewsletterDelivery]:
    """Queue the newsletter for every confirmed subscriber of the group's area(s) who has not had
    it yet, and ask the background task to send them. Publishes it first if it is a draft."""
    area_ids = areas_of_group(newsletter.group)
    if not area_ids:
        raise ValidationError("This group has no area, so the newsletter has no subscribers to go to.")
    with transaction.atomic():
        locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not locked.is_published:
            locked.status = Newsletter.Status.PUBLISHED
            locked.published_at = timezone.now()
        locked.sent_at = locked.sent_at or timezone.now()
        locked.save(update_fields=["status", "published_at", "sent_at"])
        newsletter.status, newsletter.published_at, newsletter.sent_at = (
            locked.status,
            locked.published_at,
            locked.sent_at,
        )
        already = set(NewsletterDelivery.objects.filter(newsletter=locked).values_list("email", flat=True))
        created = []
        for subscription in confirmed_subscriptions(area_ids):
            if subscription.email in already:
                continue
            row = NewsletterDelivery(newsletter=locked, subscription=subscription, email=subscription.email)
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
            created.append(row)
        if created:
            _enqueue(locked)
    return created


def newsletter_retry(*, newsletter: Newsletter, by=None) -> int:
    with transaction.atomic():
        count = NewsletterDelivery.objects.filter(
            newsletter=newsletter, status=NewsletterDelivery.Status.FAILED
        ).update(status=NewsletterDelivery.Status.QUEUED, attempts=0)
        if count:
            _enqueue(newsletter)
    return count


@dataclass
class NewsletterContent:
    newsletter: Newsletter
    updates: list[Update]
    meetings: list
    events: list
    report_url: str
    page_url: str


def newsletter_content(newsletter: Newsletter) -> NewsletterContent:
    """What every copy shows: the updates, the next meetings and events, how to report."""
    from django.urls import NoReverseMatch, reverse

    group_ids = [newsletter.group_id]
    try:
        report_url = f"{settings.SITE_URL}{reverse('community:report-create')}"
    except NoReverseMatch:
        report_url = f"{settings.SITE_URL}{reverse('community:neighbourhood-finder')}"
    return NewsletterContent(
        newsletter=newsletter,
        updates=list(newsletter.updates.order_by("-published_at", "-pk")),
        meetings=upcoming_meetings(group_ids, limit=3),
        events=upcoming_events(group_ids, limit=4),
        report_url=report_url,
        page_url=f"{settings.SITE_URL}{newsletter.get_absolute_url()}",
    )


def newsletter_text(newsletter: Newsletter, *, content: NewsletterContent | None = None) -> str:
    """The plain-text version (for a parish magazine, and the body of the email)."""
    content = content or newsletter_content(newsletter)
    return render_to_string("community/newsletter.txt", {"content": content, "newsletter": newsletter})


def _message(content: NewsletterContent, row: NewsletterDelivery, *, text: str, connection):
    link = unsubscribe_url(row.subscription)
    body = (
        f"{text}\n\n--\nYou are getting this because you subscribed to news from your neighbourhood.\n"
        f"Unsubscribe: {link}\n"
    )
    message = EmailMultiAlternatives(
        subject=content.newsletter.title,
        body=body,
        to=[row.email],
        headers=unsubscribe_headers(row.subscription),
        connection=connection,
    )
    html = render_to_string("community/newsletter_email.html", {"content": content, "unsubscribe_url": link})
    message.attach_alternative(html, "text/html")
    return message


def newsletter_deliver(*, newsletter_id: int) -> dict:
    """Send each queued or failed delivery (run by the background task). A failure is recorded on
    its row, with the error, and tried again up to MAX_ATTEMPTS times by a later run."""
    newsletter = Newsletter.objects.select_related("group").filter(pk=newsletter_id).first()
    if newsletter is None:
        return {"sent": 0, "failed": 0}
    rows = list(
        NewsletterDelivery.objects.filter(
            newsletter=newsletter,
            status__in=[NewsletterDelivery.Status.QUEUED, NewsletterDelivery.Status.FAILED],
            attempts__lt=MAX_ATTEMPTS,
            subscription__status="confirmed",
        ).select_related("subscription")
    )
    content = newsletter_content(newsletter)
    text = newsletter_text(newsletter, content=content)
    sent = failed = 0
    connection = get_connection()
    for row in rows:
        try:
            _message(content, row, text=text, connection=connection).send()
        except Exception as exc:  # noqa: BLE001 - one bad address must not stop the rest
            NewsletterDelivery.objects.filter(pk=row.pk).update(
                status=NewsletterDelivery.Status.FAILED, attempts=F("attempts") + 1, error=str(exc)[:1000]
            )
            failed += 1
        else:
            NewsletterDelivery.objects.filter(pk=row.pk).update(
                status=NewsletterDelivery.Status.SENT,
                attempts=F("attempts") + 1,
                error="",
                sent_at=timezone.now(),
            )
            sent += 1
    return {"sent": sent, "failed": failed}
