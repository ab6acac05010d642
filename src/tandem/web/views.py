import functools
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


def api_reference(request: HttpRequest) -> HttpResponse:
    """Public: the API reference, generated from the OpenAPI schema, in the design system.

    The interactive explorers (Swagger UI, Redoc) are linked from it; they are
    third-party pages that do not meet WCAG 2.2 AA, so this page is the reference.
    """
    return render(request, "web/api_reference.html", {"operations": _api_operations()})


@functools.cache
def _api_operations() -> list[dict]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            operations.append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "tag": (operation.get("tags") or ["other"])[0],
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": parameter.get("schema", {}).get("type", ""),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "responses": sorted(operation.get("responses", {})),
                    "writes": method != "get",
                }
            )
    return sorted(operations, key=lambda op: (op["tag"], op["path"], op["method"] != "GET"))
