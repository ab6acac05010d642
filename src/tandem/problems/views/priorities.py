"""Stubs until this module is written: every view answers 404."""

from django.http import Http404


def py(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def group_priorities(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def priority_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def priorities_carry_over(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def priority_board(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def priority_remove(request, **kwargs):
    """Public: not written yet."""
    raise Http404
