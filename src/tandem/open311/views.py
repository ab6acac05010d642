"""Administrators' pages: the client applications of the Open311 interface, issuing a key (shown
once, on the page that issues it) and revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .access import access_client_for_user, access_clients_for_user
from .forms import ClientForm
from .models import ClientApplication

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


@login_required
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    """Administrators: every client application, active first, with when its key was last used."""
    access_clients_for_user(request.user)
    clients = ClientApplication.objects.select_related("created_by", "revoked_by")
    services_url = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "xml"}))
    endpoint = services_url.rsplit("/", 1)[0]
    return render(
        request,
        "open311/client_list.html",
        {"clients": clients, "endpoint": endpoint, "services": selectors.service_list()},
    )


@login_required
@FORM_METHODS
def client_create(request: HttpRequest) -> HttpResponse:
    """Administrators: issue a key to a new client application; the key is shown this once."""
    access_clients_for_user(request.user)
    form = ClientForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            client, key = services.client_create(name=form.cleaned_data["name"], created_by=request.user)
        except ValidationError as error:
            form.add_error("name", error.messages[0])
        else:
            response = render(request, "open311/client_key.html", {"client": client, "key": key})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "open311/client_form.html", {"form": form})


@login_required
@require_POST
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators: revoke a client's key; its requests are refused from now on."""
    client = access_client_for_user(request.user, pk)
    client = services.client_revoke(client=client, by=request.user)
    messages.success(request, f"The key of “{client.name}” is revoked: its requests are refused from now on.")
    return redirect("open311:client-list")
