"""Stubs until this module is written: every view answers 404."""

from django.http import Http404


def py(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def item_create(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def item_edit(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def item_move(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def item_delete(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def paper_upload(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def paper_download(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def pdf(request, **kwargs):
    """Public: not written yet."""
    raise Http404


def docx(request, **kwargs):
    """Public: not written yet."""
    raise Http404
