import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("tandem.web")


def home(request: HttpRequest) -> HttpResponse:
    """Public: what Tandem is here, and where to go next."""
    return render(request, "web/home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Public: 200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("health check failed: database unreachable", extra={"error": str(exc)})
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def accessibility(request: HttpRequest) -> HttpResponse:
    """Public: the accessibility statement."""
    return render(request, "web/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    """Public: how Tandem uses personal data."""
    return render(request, "web/privacy.html")


@requires_csrf_token
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/errors/400.html", status=400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/errors/403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/errors/404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the database may be why we are here.
    from django.template import loader

    template = loader.get_template("web/errors/500.html")
    return HttpResponse(template.render({"request": request}), status=500)
