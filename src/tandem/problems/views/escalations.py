"""Stubs until this module is written: every view answers 404."""

from django.http import Http404


def py(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def escalation_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def group_escalations(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def escalation_decide(request, **kwargs):
    """Public: not written yet."""
    raise Http404
