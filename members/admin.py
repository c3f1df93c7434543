from django.contrib import admin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from members.models import Industry, Membership, Organisation, Sector
from members.resources import FORMATS, OrganisationResource
from registry.admin import SOURCE_FIELDSET


class IndustryInline(admin.TabularInline):
    model = Industry
    fields = ["order", "name", "name_en", "slug", "label"]
    extra = 0


@admin.register(Sector)
class SectorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "slug", "order"]
    search_fields = ["name", "name_hans", "name_hant", "name_en", "pinyin"]
    inlines = [IndustryInline]


@admin.register(Industry)
class IndustryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "label", "sector", "slug"]
    list_select_related = ["sector"]
    list_filter = ["sector"]
    search_fields = ["name", "name_hans", "name_hant", "name_en", "pinyin", "slug"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["status", "tier", "since", "until", "is_founding", "notes"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [OrganisationResource]
    import_formats = export_formats = FORMATS
    list_display = ["name", "short_name", "name_en", "industry", "kind", "credit_code"]
    list_select_related = ["industry"]
    list_filter = ["kind", "industry"]
    search_fields = ["name", "name_hans", "name_hant", "name_en", "short_name", "pinyin", "initials", "credit_code"]
    autocomplete_fields = ["industry"]
    readonly_fields = ["name_hans", "name_hant", "pinyin", "initials"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "name_en", "short_name", "credit_code", "kind", "industry"]}),
        (None, {"fields": ["province", "city", "website", "description", "slug"]}),
        (None, {"fields": ["name_hans", "name_hant", "pinyin", "initials", "pinyin_override"]}),
        SOURCE_FIELDSET,
    ]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "status", "tier", "since", "until", "is_founding"]
    list_select_related = ["organisation"]
    list_filter = ["status", "tier", "is_founding"]
    search_fields = ["organisation__name", "organisation__name_hans", "organisation__name_hant"]
    autocomplete_fields = ["organisation"]
