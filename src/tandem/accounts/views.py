from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Signed in: your account, your role, your groups and links to security settings."""
    person = getattr(request.user, "person", None)
    memberships = (
        person.memberships.current().select_related("group").order_by("group__name") if person else []
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "account": request.user,
            "memberships": memberships,
            "mfa_enabled": Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists(),
        },
    )
