"""Public neighbourhood pages, feeds and subscriptions; a group's events, "you said, we did"
updates and newsletters (organisers write them, everyone reads the published ones).

Each view parses the request, fetches through an access helper, calls a service and
renders. Forms that fail validation are shown again with status 400.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.actionplans.models import Action
from tandem.partnership.models import Partnership
from tandem.partnership.views import _apply_errors, _data
from tandem.places.access import access_area_for_user
from tandem.places.selectors import partnership_bounds
from tandem.problems.models import Problem

from .. import events as event_services
from .. import feeds, flier, subscriptions, updates
from ..models import Newsletter, NewsletterDelivery, Update
from ..neighbourhood_access import (
    access_event_for_user,
    access_group_community_for_user,
    access_newsletter_for_user,
    access_subscription_by_token,
    access_update_for_user,
)
from ..neighbourhood_forms import (
    EventCancelForm,
    EventForm,
    FinderForm,
    NewsletterForm,
    SubscribeForm,
    UpdateForm,
)
from ..neighbourhoods import (
    area_at_point,
    area_finder_list,
    area_search,
    current_priorities,
    neighbourhood_group_ids,
    neighbourhood_page,
    neighbourhood_points,
)

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "meetings/form.html", context, status=status)


# --- Finding a neighbourhood ------------------------------------------------------------------


@require_GET
def neighbourhood_finder(request: HttpRequest) -> HttpResponse:
    """Public: search areas by name, or a point clicked on the map; every area listed below."""
    form = FinderForm(request.GET or None)
    results = None
    point_missed = False
    status = 200
    if request.GET:
        if not form.is_valid():
            status = 400
        elif form.cleaned_data.get("lat") is not None:
            area = area_at_point(latitude=form.cleaned_data["lat"], longitude=form.cleaned_data["lng"])
            if area is not None:
                return redirect("community:neighbourhood-detail", slug=area.slug)
            point_missed = True
        elif form.cleaned_data.get("q"):
            results = area_search(form.cleaned_data["q"])
            if len(results) == 1:
                return redirect("community:neighbourhood-detail", slug=results[0].slug)
    return render(
        request,
        "community/neighbourhood_finder.html",
        {
            "form": form,
            "query": form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else "",
            "results": results,
            "point_missed": point_missed,
            "areas": area_finder_list(),
            "bounds": partnership_bounds(Partnership.objects.values_list("pk", flat=True)),
        },
        status=status,
    )


# The page as a visitor with no account sees it is the same for all of them but for the CSRF
# token of its subscribe form: it is kept for NEIGHBOURHOOD_PAGE_CACHE_SECONDS with a marker
# where the token goes, and each visitor gets their own token put in. Signed-in people, and a
# visitor with a message to show, always get the page made afresh.
CSRF_MARKER = "tandem-csrf-token-goes-here"


def _kept(key: str, make):
    """``make()``, kept in the cache for NEIGHBOURHOOD_PAGE_CACHE_SECONDS (0: made each time)."""
    seconds = settings.NEIGHBOURHOOD_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return make()
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, seconds)
    return value


def _render_neighbourhood(request: HttpRequest, area, **extra) -> str:
    context = {"area": area, "page": neighbourhood_page(area), "subscribe_form": SubscribeForm(), **extra}
    return render_to_string("community/neighbourhood_detail.html", context, request=request)


@require_GET
def neighbourhood_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a neighbourhood's groups, meetings, priorities, updates, problems, evidence, events."""
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return HttpResponse(_render_neighbourhood(request, access_area_for_user(request.user, slug)))
    # Every area's page is public, so a page found in the cache needs no look-up of its area;
    # only a page that was found (never a 404) is kept.
    html = _kept(
        f"community:neighbourhood-page:{slug}",
        lambda: _render_neighbourhood(
            request, access_area_for_user(request.user, slug), csrf_token=CSRF_MARKER
        ),
    )
    return HttpResponse(html.replace(CSRF_MARKER, get_token(request)))


@require_GET
def neighbourhood_problems_geojson(request: HttpRequest, slug: str) -> JsonResponse:
    """Public: the neighbourhood's open problems with a pin, as GeoJSON, for the page's map
    (fetched by its script only; kept as long as the page is)."""
    points = _kept(
        f"community:neighbourhood-points:{slug}",
        lambda: neighbourhood_points(access_area_for_user(request.user, slug)),
    )
    return JsonResponse(points, content_type="application/geo+json")


@require_GET
def neighbourhood_priorities_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Public: the current priorities in police.uk's neighbourhood-priorities shape."""
    area = access_area_for_user(request.user, slug)
    rows = current_priorities(neighbourhood_group_ids(area))
    return JsonResponse([row.as_police_uk() for row in rows], safe=False)


neighbourhood_atom = feeds.NeighbourhoodAtomFeed()
neighbourhood_rss = feeds.NeighbourhoodRssFeed()


@require_GET
def neighbourhood_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: an iCalendar feed of the neighbourhood's public meetings and events."""
    area = access_area_for_user(request.user, slug)
    response = HttpResponse(feeds.neighbourhood_calendar(area), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{area.slug}.ics"'
    return response


# --- Subscriptions ----------------------------------------------------------------------------


@FORM_METHODS
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: ask for a neighbourhood's news by email (the answer never says who is subscribed)."""
    area = access_area_for_user(request.user, slug)
    form = SubscribeForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            subscriptions.subscription_request(area=area, email=form.cleaned_data["email"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return render(request, "community/subscription_sent.html", {"area": area})
    return _form_page(
        request,
        {
            "form": form,
            "title": f"Get news from {area.name} by email",
            "lead": "We will email you news, “you said, we did” updates and events for this neighbourhood.",
            "cancel_url": reverse("community:neighbourhood-detail", kwargs={"slug": area.slug}),
        },
        status=400 if form.errors else 200,
    )


@FORM_METHODS
def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone with the emailed link: confirm with a button (a link checker's GET confirms nothing)."""
    subscription = access_subscription_by_token(token)
    error = ""
    if request.method == "POST":
        try:
            subscriptions.subscription_confirm(subscription=subscription)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return render(request, "community/subscription_done.html", {"subscription": subscription})
    return render(
        request,
        "community/subscription_confirm.html",
        {"subscription": subscription, "error": error},
        status=400 if error else 200,
    )


@csrf_exempt  # RFC 8058 one-click: mail programs POST without a form; the token is the key
@FORM_METHODS
def subscription_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone with the emailed link: unsubscribe (one click from the mail program, or a button)."""
    subscription = access_subscription_by_token(token)
    if request.method == "POST":
        subscriptions.subscription_unsubscribe(subscription=subscription)
        return render(request, "community/subscription_unsubscribed.html", {"subscription": subscription})
    return render(request, "community/subscription_unsubscribe.html", {"subscription": subscription})


# --- Events ----------------------------------------------------------------------------------


@require_GET
def group_events(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a group's events; its organisers can add, change and cancel them."""
    group, can_manage = access_group_community_for_user(request.user, slug)
    upcoming, past = event_services.group_event_list(group=group)
    return render(
        request,
        "community/event_list.html",
        {"group": group, "can_manage": can_manage, "upcoming": upcoming, "past": past},
    )


@login_required
@FORM_METHODS
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers: publish an event, or a repeating one (every occurrence is created)."""
    group, _ = access_group_community_for_user(request.user, slug, write=True)
    form = EventForm(
        _data(request),
        initial={
            "venue_name": group.venue_name,
            "venue_address": group.venue_address,
            "accessibility_notes": group.venue_access_notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("repeats"):
                _, created = event_services.event_series_create(
                    group=group, by=request.user, **form.series_data()
                )
                messages.success(request, f"{len(created)} events have been published.")
                return redirect("community:group-events", slug=group.slug)
            event = event_services.event_create(group=group, by=request.user, **form.event_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The event has been published.")
            return redirect(event)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Publish an event",
            "caption": group.name,
            "cancel_url": reverse("community:group-events", kwargs={"slug": group.slug}),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: an event of a visible group: when, where, who will be there, accessibility."""
    event, can_manage = access_event_for_user(request.user, pk)
    return render(
        request,
        "community/event_detail.html",
        {"event": event, "can_manage": can_manage, "when": feeds.event_when(event)},
    )


@require_GET
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: "add to calendar" for one event."""
    event, _ = access_event_for_user(request.user, pk)
    response = HttpResponse(feeds.event_calendar(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
@FORM_METHODS
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: change one event (one occurrence of a series)."""
    event, _ = access_event_for_user(request.user, pk, write=True)
    if event.is_cancelled:
        messages.error(request, "This event has been cancelled, so it cannot be changed.")
        return redirect(event)
    form = EventForm(
        _data(request), initial=EventForm.initial_for(event), series=False, submit="Save changes"
    )
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_update(event=event, by=request.user, **form.event_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The event has been changed.")
            return redirect(event)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Change the event",
            "caption": event.group.name,
            "cancel_url": event.get_absolute_url(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@FORM_METHODS
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: cancel one event (other occurrences of its series stay)."""
    event, _ = access_event_for_user(request.user, pk, write=True)
    form = EventCancelForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_cancel(
                event=event, reason=form.cleaned_data["cancellation_reason"], by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The event has been cancelled.")
            return redirect(event)
    return _form_page(
        request,
        {
            "form": form,
            "title": f"Cancel {event.title}",
            "caption": feeds.event_when(event),
            "cancel_url": event.get_absolute_url(),
        },
        status=400 if form.errors else 200,
    )


# --- "You said, we did" updates -----------------------------------------------------------------


@require_GET
def group_updates(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a group's published updates; organisers also see drafts and newsletters."""
    group, can_manage = access_group_community_for_user(request.user, slug)
    rows = Update.objects.filter(group=group).order_by("-published_at", "-pk")
    if not can_manage:
        rows = rows.filter(status=Update.Status.PUBLISHED)
    newsletters = Newsletter.objects.filter(group=group)
    if not can_manage:
        newsletters = newsletters.filter(status=Newsletter.Status.PUBLISHED)
    return render(
        request,
        "community/update_list.html",
        {"group": group, "can_manage": can_manage, "updates": list(rows), "newsletters": list(newsletters)},
    )


def _source(group, key: str) -> tuple[Problem | None, Action | None]:
    kind, _, pk = key.partition("-")
    if not pk.isdigit():
        return None, None
    if kind == "problem":
        return Problem.objects.filter(group=group, pk=int(pk)).first(), None
    if kind == "action":
        action = Action.objects.filter(group=group, pk=int(pk)).select_related("problem").first()
        return (action.problem if action else None), action
    return None, None


@login_required
@FORM_METHODS
def update_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers: write an update, pre-filled from a closed problem or an evaluated action."""
    group, _ = access_group_community_for_user(request.user, slug, write=True)
    suggestions = updates.update_suggestions(group=group)
    initial = {}
    chosen = request.GET.get("from", "")
    for suggestion in suggestions:
        if suggestion.key == chosen:
            initial = {
                "title": suggestion.title,
                "you_said": suggestion.you_said,
                "we_did": suggestion.we_did,
                "source": suggestion.key,
            }
    form = UpdateForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        problem, action = _source(group, form.cleaned_data["source"])
        try:
            update = updates.update_create(
                group=group,
                title=form.cleaned_data["title"],
                you_said=form.cleaned_data["you_said"],
                we_did=form.cleaned_data["we_did"],
                problem=problem,
                action=action,
                publish=form.cleaned_data["publish"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                "The update has been published."
                if update.is_published
                else "The update has been saved as a draft.",
            )
            return redirect(update)
    return render(
        request,
        "community/update_form.html",
        {"form": form, "group": group, "suggestions": suggestions, "chosen": chosen},
        status=400 if form.errors else 200,
    )


@require_GET
def update_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public once published; drafts for the group's organisers only."""
    update, can_manage = access_update_for_user(request.user, pk)
    return render(request, "community/update_detail.html", {"update": update, "can_manage": can_manage})


@login_required
@require_POST
def update_publish(request: HttpRequest, pk: int) -> HttpResponse:
    update, _ = access_update_for_user(request.user, pk, write=True)
    try:
        updates.update_publish(update=update, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The update has been published.")
    return redirect(update)


# --- Newsletters --------------------------------------------------------------------------------


@login_required
@FORM_METHODS
def newsletter_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers: choose published updates for a newsletter, then preview it."""
    group, _ = access_group_community_for_user(request.user, slug, write=True)
    form = NewsletterForm(_data(request), group=group)
    if request.method == "POST" and form.is_valid():
        try:
            newsletter = updates.newsletter_create(
                group=group,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
                updates=list(form.cleaned_data["updates"]),
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, "The newsletter has been saved. Check the preview, then publish or send it."
            )
            return redirect(newsletter)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Write a newsletter",
            "caption": group.name,
            "lead": ""
            if form.fields["updates"].queryset.exists()
            else "Publish a “you said, we did” update first.",
            "cancel_url": reverse("community:group-updates", kwargs={"slug": group.slug}),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def newsletter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public once published (its web page); before that, the organisers' preview."""
    newsletter, can_manage = access_newsletter_for_user(request.user, pk)
    content = updates.newsletter_content(newsletter)
    counts = {}
    if can_manage:
        for status in NewsletterDelivery.Status:
            counts[status.label] = newsletter.deliveries.filter(status=status).count()
    return render(
        request,
        "community/newsletter_detail.html",
        {"newsletter": newsletter, "content": content, "can_manage": can_manage, "counts": counts},
    )


@login_required
@require_POST
def newsletter_publish(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter, _ = access_newsletter_for_user(request.user, pk, write=True)
    try:
        updates.newsletter_publish(newsletter=newsletter, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The newsletter has been published.")
    return redirect(newsletter)


@login_required
@require_POST
def newsletter_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: email it to the confirmed subscribers (in the background)."""
    newsletter, _ = access_newsletter_for_user(request.user, pk, write=True)
    try:
        queued = updates.newsletter_send(newsletter=newsletter, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if queued:
            messages.success(
                request,
                f"The newsletter is being sent to {len(queued)} subscriber{'s' if len(queued) != 1 else ''}.",
            )
        else:
            messages.info(request, "Every confirmed subscriber has already been sent this newsletter.")
    return redirect("community:newsletter-deliveries", pk=newsletter.pk)


@login_required
@require_GET
def newsletter_deliveries(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: who it was sent to, and which failed and why."""
    newsletter, _ = access_newsletter_for_user(request.user, pk, write=True)
    rows = list(newsletter.deliveries.order_by("status", "email"))
    return render(request, "community/newsletter_deliveries.html", {"newsletter": newsletter, "rows": rows})


@require_GET
def newsletter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 flier (``?kind=poster`` for the notice-board poster)."""
    newsletter, _ = access_newsletter_for_user(request.user, pk)
    kind = request.GET.get("kind", "flier")
    if kind not in flier.KINDS:
        return HttpResponse("Choose kind=flier or kind=poster.", status=400, content_type="text/plain")
    response = HttpResponse(flier.flier_pdf(newsletter, kind=kind), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="newsletter-{newsletter.pk}-{kind}.pdf"'
    return response


@require_GET
def newsletter_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The plain-text version, for a parish magazine."""
    newsletter, _ = access_newsletter_for_user(request.user, pk)
    return HttpResponse(updates.newsletter_text(newsletter), content_type="text/plain; charset=utf-8")
