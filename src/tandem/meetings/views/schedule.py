"""Stubs until this module is written: every view answers 404."""

from django.http import Http404


def py(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def group_meetings(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def meeting_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def series_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def settings_edit(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def meeting_detail(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def meeting_edit(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def meeting_cancel(request, **kwargs):
    """Public: not written yet."""
    raise Http404
