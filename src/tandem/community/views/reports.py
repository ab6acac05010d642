"""Residents' reports: the public form and its private follow link, "me too" and "it's back",
the officers' moderation queue and the administrators' routing rules."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.partnership.access import access_partnership_for_user
from tandem.partnership.models import Partnership
from tandem.places.models import Area
from tandem.places.selectors import area_descendant_ids, partnership_bounds

from .. import selectors, services
from ..access import (
    access_public_problem_for_user,
    access_report_for_moderator,
    can_configure_routing,
    can_moderate,
)
from ..forms import (
    FeedbackForm,
    FlaggedWordForm,
    RejectForm,
    ReportForm,
    RoutingRuleForm,
    SupportForm,
    UpdateForm,
)
from ..models import FlaggedWord, Report, ReportUpdate, RoutingRule
from ..ratelimit import REPORTS_PER_IP, REPORTS_WINDOW_SECONDS, client_ip, rate_limit_hit

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
BROWSER_COOKIE = "tandem_me_too"
BROWSER_COOKIE_SALT = "tandem.community.me-too"
BROWSER_COOKIE_AGE = 60 * 60 * 24 * 365


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "community/rate_limited.html", status=429)
    response["Retry-After"] = str(REPORTS_WINDOW_SECONDS)
    return response


def _limited(request: HttpRequest, what: str) -> bool:
    ip = client_ip(request) or "unknown"
    return rate_limit_hit(key=f"{what}-ip:{ip}", limit=REPORTS_PER_IP, window_seconds=REPORTS_WINDOW_SECONDS)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value and len(value) < 12 else None
    except ValueError:
        return None


# --- The public form -----------------------------------------------------------------------------


@FORM_METHODS
def report_create(request: HttpRequest) -> HttpResponse:
    """Public, no account needed: report a problem (a map pin, or a typed place without JavaScript).
    ``?area=<slug>`` preselects the neighbourhood; ``?problem=<pk>`` reports a public problem again
    ("me too" with details, or "it's back" on a resolved one)."""
    problem = None
    if "problem" in request.GET:
        pk = _int_or_none(request.GET.get("problem"))
        if pk is None:
            raise Http404("No such problem")
        problem = access_public_problem_for_user(request.user, pk)
    initial = {}
    if request.GET.get("area"):
        area = Area.objects.defer("boundary").filter(slug=request.GET["area"][:200]).first()
        if area is not None:
            initial["area"] = area
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, problem=problem)
    else:
        form = ReportForm(initial=initial, problem=problem)
    status = 200
    if request.method == "POST":
        if _limited(request, "report"):
            return _too_many(request)
        if request.POST.get("website"):
            # A filled honeypot: a robot. It is told nothing and nothing is kept.
            return render(request, "community/report_received.html")
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_submit(
                    category=problem.category if problem else data["category"],
                    description=data["description"],
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                    location_text=data.get("location_text", ""),
                    area=data.get("area"),
                    photo=data.get("photo"),
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    anonymous=data["anonymous"],
                    via=Report.Via.WEB,
                    ip_address=client_ip(request),
                    user=request.user,
                    problem=problem,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return redirect("community:report-sent", token=report.token)
        status = 400
    return render(
        request,
        "community/report_form.html",
        {
            "form": form,
            "problem": problem,
            "pin_picker": problem is None,
            "pin_bounds": partnership_bounds(Partnership.objects.values_list("pk", flat=True)),
        },
        status=status,
    )


def report_sent(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation: the reference and the private link (whoever holds the token)."""
    report = selectors.report_by_token(token)
    if report is None:
        raise Http404("No such report")
    return render(
        request,
        "community/report_sent.html",
        {"report": report, "follow_url": request.build_absolute_uri(report.get_absolute_url())},
    )


@FORM_METHODS
def report_follow(request: HttpRequest, token: str) -> HttpResponse:
    """The private link: the report, the problem's public status and its public updates; once the
    problem is resolved, "is it fixed?". Never anyone else's details."""
    report = selectors.report_by_token(token)
    if report is None:
        raise Http404("No such report")
    try:
        feedback = report.feedback
    except Report.feedback.RelatedObjectDoesNotExist:
        feedback = None
    answered = feedback is not None
    ask = report.feedback_requested_at is not None and not answered
    form = FeedbackForm(request.POST if request.method == "POST" else None) if ask else None
    status = 200
    if request.method == "POST":
        if form is None:
            return render(
                request,
                "community/report_follow.html",
                _follow_context(
                    report, form=None, feedback=feedback, error="There is nothing to answer yet."
                ),
                status=400,
            )
        if form.is_valid():
            try:
                services.report_feedback_give(
                    report=report, fixed=form.cleaned_data["fixed"], feeling=form.cleaned_data["feeling"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Thank you: your answer has been counted.")
                return redirect(report)
        status = 400
    return render(
        request,
        "community/report_follow.html",
        _follow_context(report, form=form, feedback=feedback),
        status=status,
    )


def _follow_context(report: Report, *, form, feedback, error: str = "") -> dict:
    problem = report.problem
    return {
        "report": report,
        "problem": problem,
        "problem_public": problem is not None and problem.is_public,
        "updates": selectors.report_updates(report),
        "form": form,
        "feedback": feedback,
        "error": error,
    }


def report_photo(request: HttpRequest, token: str) -> FileResponse:
    """The report's photo, for whoever holds the private link."""
    report = selectors.report_by_token(token)
    if report is None or not report.photo:
        raise Http404("No photo")
    return _photo_response(report)


def _photo_response(report: Report) -> FileResponse:
    extension = report.photo.name.rsplit(".", 1)[-1]
    content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        extension, "image/jpeg"
    )
    try:
        handle = report.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No photo") from exc
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- "Me too" -----------------------------------------------------------------------------------------


def _browser_id(request: HttpRequest) -> str:
    """The id in this browser's signed "me too" cookie ("" if none, or if it was tampered with)."""
    return request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_COOKIE_SALT) or ""


@FORM_METHODS
def problem_support(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a public problem, "me too" (once per account, email or browser) if it is open, or
    "it's back" if it is resolved or closed."""
    problem = access_public_problem_for_user(request.user, pk)
    if problem.merged_into_id and problem.merged_into.is_public:
        return redirect("community:problem-support", pk=problem.merged_into_id)
    signed_in = request.user.is_authenticated
    form = SupportForm(request.POST if request.method == "POST" else None, signed_in=signed_in)
    browser_id = _browser_id(request)
    status = 200
    if request.method == "POST":
        if _limited(request, "support"):
            return _too_many(request)
        if not problem.is_open:
            form.add_error(None, 'The problem is resolved or closed: tell us "it\'s back" instead.')
        elif form.is_valid():
            new_browser = ""
            if not signed_in and not form.cleaned_data.get("email") and not browser_id:
                new_browser = services.new_browser_id()
            try:
                services.report_support_add(
                    problem=problem,
                    user=request.user,
                    email=form.cleaned_data.get("email", ""),
                    browser_id="" if signed_in else (browser_id or new_browser),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, "Thank you: you have been counted. The group sees how many are affected."
                )
                response = redirect("community:problem-support", pk=problem.pk)
                if new_browser:
                    response.set_signed_cookie(
                        BROWSER_COOKIE,
                        new_browser,
                        salt=BROWSER_COOKIE_SALT,
                        max_age=BROWSER_COOKIE_AGE,
                        httponly=True,
                        samesite="Lax",
                        secure=not settings.DEBUG and request.is_secure(),
                    )
                return response
        status = 400
    return render(
        request,
        "community/problem_support.html",
        {"problem": problem, "form": form, "supports": problem.supports.count()},
        status=status,
    )


# --- Moderation (officers) -------------------------------------------------------------------------


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Officers: reports waiting for moderation, oldest first."""
    if not can_moderate(request.user):
        raise PermissionDenied("Only partnership officers and administrators moderate reports.")
    return render(
        request,
        "community/report_moderation.html",
        {"reports": list(selectors.moderation_queue()[:200])},
    )


@login_required
@FORM_METHODS
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: one report, with accept / reject while it waits and public updates afterwards."""
    report = access_report_for_moderator(request.user, pk)
    update_form = UpdateForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if update_form.is_valid():
            try:
                services.report_update_add(
                    report=report,
                    text=update_form.cleaned_data["text"],
                    source=ReportUpdate.Source.OFFICER,
                    by=request.user,
                )
            except ValidationError as exc:
                _apply_errors(update_form, exc)
            else:
                messages.success(request, "The update has been added.")
                return redirect("community:report-detail", pk=report.pk)
        status = 400
    return render(
        request,
        "community/report_detail.html",
        _detail_context(report, update_form=update_form),
        status=status,
    )


def _detail_context(report: Report, *, update_form=None, reject_form=None) -> dict:
    return {
        "report": report,
        "updates": selectors.report_updates(report),
        "update_form": update_form or UpdateForm(),
        "reject_form": reject_form or RejectForm(),
    }


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report_for_moderator(request.user, pk)
    try:
        services.report_accept(report=report, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(
            request,
            "community/report_detail.html",
            _detail_context(report) | {"accept_error": " ".join(exc.messages)},
            status=400,
        )
    messages.success(request, f"Report {report.reference} accepted and sent to the group.")
    return redirect("community:report-moderation")


@login_required
@require_POST
def report_reject(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report_for_moderator(request.user, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.report_reject(report=report, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Report {report.reference} rejected.")
            return redirect("community:report-moderation")
    return render(
        request, "community/report_detail.html", _detail_context(report, reject_form=form), status=400
    )


@login_required
def report_detail_photo(request: HttpRequest, pk: int) -> FileResponse:
    report = access_report_for_moderator(request.user, pk)
    if not report.photo:
        raise Http404("No photo")
    return _photo_response(report)


# --- Routing rules and flagged words (administrators) ----------------------------------------------


def _routing_partnership(request: HttpRequest, slug: str) -> Partnership:
    if not request.user.is_authenticated:
        raise PermissionDenied
    partnership = access_partnership_for_user(request.user, slug)
    if not can_configure_routing(request.user):
        raise PermissionDenied("Only administrators configure where residents' reports go.")
    return partnership


def _area_ids(partnership: Partnership) -> list[int]:
    if partnership.area_id is None:
        return []
    return [partnership.area_id, *area_descendant_ids(partnership.area)]


@login_required
@FORM_METHODS
def routing_rules(request: HttpRequest, slug: str) -> HttpResponse:
    """Administrators: which group receives residents' reports, by area and category, and the words
    that hold a report for moderation."""
    partnership = _routing_partnership(request, slug)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted is not None else ""
    rule_form = RoutingRuleForm(
        posted if which == "rule" else None, partnership=partnership, area_ids=_area_ids(partnership)
    )
    word_form = FlaggedWordForm(posted if which == "word" else None)
    status = 200
    if posted is not None:
        form = rule_form if which == "rule" else word_form if which == "word" else None
        if form is None:
            status = 400
            messages.error(request, "Choose what to add.")
        elif form.is_valid():
            try:
                if which == "rule":
                    services.routing_rule_create(
                        partnership=partnership, by=request.user, **form.cleaned_data
                    )
                else:
                    services.flagged_word_add(
                        partnership=partnership, word=form.cleaned_data["word"], by=request.user
                    )
            except ValidationError as exc:
                _apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, "Saved.")
                return redirect("community:routing-rules", slug=partnership.slug)
        else:
            status = 400
    return render(
        request,
        "community/routing_rules.html",
        {
            "partnership": partnership,
            "rules": RoutingRule.objects.filter(partnership=partnership).select_related(
                "area", "category", "group"
            ),
            "words": FlaggedWord.objects.filter(partnership=partnership),
            "rule_form": rule_form,
            "word_form": word_form,
        },
        status=status,
    )


@login_required
@require_POST
def routing_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RoutingRule.objects.select_related("partnership"), pk=pk)
    _routing_partnership(request, rule.partnership.slug)
    services.routing_rule_delete(rule=rule, by=request.user)
    messages.success(request, "The rule has been removed.")
    return redirect("community:routing-rules", slug=rule.partnership.slug)


@login_required
@require_POST
def flagged_word_delete(request: HttpRequest, pk: int) -> HttpResponse:
    flagged = get_object_or_404(FlaggedWord.objects.select_related("partnership"), pk=pk)
    _routing_partnership(request, flagged.partnership.slug)
    services.flagged_word_delete(flagged=flagged, by=request.user)
    messages.success(request, "The word has been removed.")
    return redirect(reverse("community:routing-rules", kwargs={"slug": flagged.partnership.slug}))
