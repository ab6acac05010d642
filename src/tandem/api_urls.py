"""/api/v1/: one router for every app's API, the OpenAPI schema and its docs pages.

/api/v1/docs/ is the reference, generated from the schema in the design system.
The interactive explorers load Swagger UI and ReDoc from drf-spectacular-sidecar's
static files, so they work without the internet. Their scripts are separate files
(the site's Content Security Policy refuses inline scripts); Swagger UI and ReDoc
set inline styles, which the policy allows on these pages only.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from tandem.api import AUTHENTICATION_CLASSES
from tandem.evidence.api import register as register_evidence
from tandem.meetings.api import register as register_meetings
from tandem.partnership.api import register as register_partnership
from tandem.places.api import register as register_places
from tandem.problems.api import register as register_problems
from tandem.problems.api_chain import register as register_problem_chain
from tandem.strategy.api import register as register_strategy
from tandem.web.views import api_reference


class RootView(APIRootView):
    """Public: links to each of the API's collections."""

    authentication_classes = AUTHENTICATION_CLASSES


router = DefaultRouter()
router.APIRootView = RootView
register_places(router)
register_partnership(router)
register_meetings(router)
register_problems(router)
register_problem_chain(router)
register_strategy(router)
register_evidence(router)


class SchemaView(SpectacularAPIView):
    """Public: the OpenAPI 3 schema of the API."""

    authentication_classes = AUTHENTICATION_CLASSES


class SwaggerView(SpectacularSwaggerSplitView):
    """Public: the API's interactive documentation (Swagger UI)."""

    authentication_classes = AUTHENTICATION_CLASSES


class RedocView(SpectacularRedocView):
    """Public: the API's reference documentation (ReDoc)."""

    authentication_classes = AUTHENTICATION_CLASSES


_docs_csp = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", api_reference, name="api-docs"),
    path("explorer/", _docs_csp(SwaggerView.as_view(url_name="api-schema")), name="api-explorer"),
    path("redoc/", _docs_csp(RedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("", include(router.urls)),
]
