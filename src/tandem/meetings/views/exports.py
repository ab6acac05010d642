"""Stubs until this module is written: every view answers 404."""

from django.http import Http404


def py(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def meeting_circulate(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def circulation_log(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def agenda_pdf(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def agenda_docx(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def minutes_pdf(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def minutes_docx(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def meeting_ics(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def group_ics(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def my_calendar(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def person_ics(request, **kwargs):
    """Public: not written yet."""
    raise Http404
