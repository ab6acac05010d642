"""Stubs until this module is written: every view answers 404."""

from django.http import Http404


def pdf(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def docx(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def py(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def attendance_edit(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def minutes_edit(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def decision_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def decision_delete(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def action_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def action_delete(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def minutes_approve(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def correction_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404
