"""Stubs until this module is written: every view answers 404."""

from django.http import Http404


def views(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def py(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def problem_list(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def problem_map(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def problem_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def problem_detail(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def problem_edit(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def problem_status(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def note_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def problem_raise(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def problem_merge(request, **kwargs):
    """Public: not written yet."""
    raise Http404
