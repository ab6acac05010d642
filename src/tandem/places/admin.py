from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tandem.places.models import LSOA, Area


class LSOAInline(admin.TabularInline):
    model = LSOA
    extra = 0
    fields = ["code", "name", "census_year"]
    show_change_link = True


class ChildAreaInline(admin.TabularInline):
    model = Area
    fk_name = "parent"
    extra = 0
    fields = ["name", "kind", "code", "is_priority_neighbourhood"]
    show_change_link = True
    verbose_name = "area inside it"
    verbose_name_plural = "areas inside it"
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # an area needs a slug and a kind: add it on its own page


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "code", "is_priority_neighbourhood", "has_boundary"]
    list_filter = ["kind", "is_priority_neighbourhood"]
    list_select_related = ["parent"]
    search_fields = ["name", "code", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["centroid_lat", "centroid_lng"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "parent", "code", "description"]}),
        ("Priority", {"fields": ["is_priority_neighbourhood"]}),
        (
            "Boundary",
            {
                "fields": ["boundary", "boundary_source", "centroid_lat", "centroid_lng"],
                "description": "Import boundaries with manage.py import_boundaries.",
            },
        ),
    ]
    inlines = [ChildAreaInline, LSOAInline]

    @admin.display(boolean=True, description="Boundary")
    def has_boundary(self, area: Area) -> bool:
        return area.boundary is not None


@admin.register(LSOA)
class LSOAAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "census_year", "area"]
    list_filter = ["census_year"]
    list_select_related = ["area"]
    search_fields = ["code", "name", "area__name"]
    autocomplete_fields = ["area"]
