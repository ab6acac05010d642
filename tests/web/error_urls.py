"""A URLconf for tests only: Tandem's own URLs plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from tandem.urls import handler400, handler403, handler404, handler500
from tandem.urls import urlpatterns as tandem_urlpatterns


def forbidden(request):
    """Public: always refuses (tests of the 403 page)."""
    raise PermissionDenied


def broken(request):
    """Public: always fails (tests of the 500 page)."""
    raise RuntimeError("broken on purpose for a test")


def suspicious(request):
    """Public: always a bad request (tests of the 400 page)."""
    raise SuspiciousOperation("suspicious on purpose for a test")


urlpatterns = [
    path("test-only/forbidden/", forbidden),
    path("test-only/broken/", broken),
    path("test-only/suspicious/", suspicious),
    *tandem_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
