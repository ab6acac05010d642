from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tandem.places.models import Area


def area_list(request: HttpRequest) -> HttpResponse:
    return render(request, "places/area_list.html", {"areas": Area.objects.all()})


def area_detail(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(Area, slug=slug)
    return render(request, "places/area_detail.html", {"area": area})
