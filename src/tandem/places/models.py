from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Area(models.Model):
    """A place the partnership works in. Areas nest: district → area → neighbourhood → parish/estate."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "District"
        AREA = "area", "Area"
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
        WARD = "ward", "Ward"
        PARISH = "parish", "Parish"
        ESTATE = "estate", "Estate"

    # How deep each kind sits; a child must sit deeper than its parent.
    LEVELS = {
        Kind.DISTRICT: 0,
        Kind.AREA: 1,
        Kind.NEIGHBOURHOOD: 2,
        Kind.WARD: 2,
        Kind.PARISH: 3,
        Kind.ESTATE: 3,
    }

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(
        "official code",
        max_length=20,
        blank=True,
        help_text="The ONS code (for example E05000819 for a ward), if the area has one.",
    )
    description = models.TextField(blank=True)
    is_priority_neighbourhood = models.BooleanField(
        "priority neighbourhood",
        default=False,
        help_text="An area that gets joined-up services, such as an estate with a case management team.",
    )
    boundary = models.JSONField(
        null=True,
        blank=True,
        help_text="GeoJSON geometry (Polygon or MultiPolygon) in WGS84 longitude/latitude.",
    )
    # Derived from the boundary when it is set, so maps and lists need not parse it.
    centroid_lat = models.FloatField(null=True, blank=True, editable=False)
    centroid_lng = models.FloatField(null=True, blank=True, editable=False)
    boundary_source = models.CharField(
        max_length=300, blank=True, help_text="Where the boundary came from, with its licence."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="places_area_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:area-detail", kwargs={"slug": self.slug})

    @property
    def level(self) -> int:
        return self.LEVELS[self.Kind(self.kind)]

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "An area cannot be inside itself."})
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "An area cannot be inside one of its own parts."})
            ancestor = ancestor.parent
        if self.kind and self.parent.level >= self.level:
            raise ValidationError(
                {
                    "parent": f"A {self.get_kind_display().lower()} cannot sit inside a "
                    f"{self.parent.get_kind_display().lower()}."
                }
            )

    def ancestors(self) -> list["Area"]:
        """From the top of the tree down to this area's parent."""
        chain = []
        area = self.parent
        while area is not None:
            chain.append(area)
            area = area.parent
        return list(reversed(chain))


class LSOA(models.Model):
    """A census Lower layer Super Output Area placed in one area (police.uk data carries these)."""

    code = models.CharField("LSOA code", max_length=12)
    name = models.CharField(max_length=200, blank=True)
    census_year = models.PositiveSmallIntegerField(default=2021, choices=[(2011, "2011"), (2021, "2021")])
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="lsoas")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "LSOA"
        verbose_name_plural = "LSOAs"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "area"], name="places_lsoa_unique_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()
