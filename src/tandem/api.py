"""The API plumbing every app's API shares: authentication, who may write, validation.

Anyone may read; only partnership administrators may change. Every write goes
through the model's ``full_clean()`` (or a service) inside a transaction, and a
refused write answers 400 with the field errors, never 500.
"""

import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from drf_spectacular.authentication import BasicScheme
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import authentication, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tandem.accounts.authentication import BasicAuthentication
from tandem.partnership.access import Viewer, viewer_for

T = TypeVar("T")

SLUG_REGEX = r"[-a-zA-Z0-9_]+"
ID_REGEX = r"[0-9]{1,18}"


# --- Shared plumbing ---------------------------------------------------------------------------


class BasicAuthenticationScheme(BasicScheme):
    """Documents the class above as HTTP basic authentication in the OpenAPI schema."""

    target_class = "tandem.accounts.authentication.BasicAuthentication"


# Every API view uses these (the settings' defaults, with the safer basic authentication).
AUTHENTICATION_CLASSES = [authentication.SessionAuthentication, BasicAuthentication]


class IsAdministratorOrReadOnly(permissions.BasePermission):
    """Reads for anyone; changes only for partnership administrators."""

    message = "Only partnership administrators can change this through the API."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_administrator)


ErrorSerializer = inline_serializer("Error", fields={"detail": serializers.CharField()})

WRITE_ERRORS = {
    400: OpenApiResponse(
        response=OpenApiTypes.OBJECT, description="The input is not valid: errors by field name."
    ),
    403: OpenApiResponse(response=ErrorSerializer, description="Only administrators can change this."),
}
DELETE_CONFLICT = {
    409: OpenApiResponse(response=ErrorSerializer, description="Other records still depend on it."),
    403: OpenApiResponse(response=ErrorSerializer, description="Only administrators can change this."),
}


def validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A model's ValidationError as the API's 400 answer (errors by field name)."""
    return serializers.ValidationError(serializers.as_serializer_error(exc))


def call_service(service: Callable[..., T], **kwargs: Any) -> T:
    """Run a service; its ValidationError becomes the API's 400 answer."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise validation_error(exc) from exc


class SlugLookupField(serializers.SlugRelatedField):
    """A related object by its slug. Text that cannot be a slug is refused before any query
    (PostgreSQL would fail on a NUL character, for one)."""

    def __init__(self, noun: str, **kwargs) -> None:
        kwargs.setdefault("slug_field", "slug")
        kwargs.setdefault(
            "error_messages",
            {
                "does_not_exist": f"No {noun} has the slug {{value}}.",
                "invalid": "Give a slug: letters, digits, hyphens and underscores only.",
            },
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> models.Model:
        if not isinstance(data, str) or not re.fullmatch(SLUG_REGEX, data):
            self.fail("invalid")
        return super().to_internal_value(data)


class CleanModelSerializer(serializers.ModelSerializer):
    """Creates and updates through ``full_clean()`` then ``save()`` in a transaction, for models
    whose changes need no service. Model validation errors become a 400."""

    def create(self, validated_data: dict[str, Any]) -> models.Model:
        return self._clean_and_save(self.Meta.model(**validated_data))

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._clean_and_save(instance)

    def _clean_and_save(self, instance: models.Model) -> models.Model:
        try:
            with transaction.atomic():
                instance.full_clean()
                instance.save()
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        return instance


class AdministratorWriteViewSet(viewsets.ModelViewSet):
    """Public: reads. Administrators: changes. Deleting something others depend on answers 409."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAdministratorOrReadOnly]
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    filter_serializer_class: type[serializers.Serializer] | None = None

    def filters(self) -> dict[str, Any]:
        """The validated query-string filters; a bad value answers 400 with the reason."""
        if self.filter_serializer_class is None or self.action != "list":
            return {}
        query = self.filter_serializer_class(
            data=self.request.query_params.dict(), context=self.get_serializer_context()
        )
        query.is_valid(raise_exception=True)
        return {name: value for name, value in query.validated_data.items() if value not in (None, "")}

    def perform_destroy(self, instance: models.Model) -> None:
        with transaction.atomic():
            instance.delete()

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().destroy(request, *args, **kwargs)
        except ProtectedError as exc:
            used_by = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
            return Response(
                {"detail": f"It cannot be deleted while {', '.join(used_by)} still refer to it."},
                status=status.HTTP_409_CONFLICT,
            )


def request_viewer(request: Request) -> Viewer:
    """The requester, worked out once per request and kept on the request."""
    if not hasattr(request, "_tandem_viewer"):
        request._tandem_viewer = viewer_for(request.user)
    return request._tandem_viewer
