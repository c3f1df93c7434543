from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.models import Body, Person, Position, Term
from registry.admin import SOURCE_FIELDSET


class PositionInline(admin.TabularInline):
    model = Position
    fields = ["name", "name_en", "rank", "seats"]
    extra = 0


class TermInline(admin.TabularInline):
    model = Term
    fields = ["position", "person", "organisation", "title", "started_on", "ended_on"]
    autocomplete_fields = ["position", "person", "organisation"]
    extra = 0


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "kind", "order"]
    search_fields = ["name", "name_en"]
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "body", "rank", "seats"]
    list_select_related = ["body"]
    list_filter = ["body"]
    search_fields = ["name", "name_en", "body__name"]
    inlines = [TermInline]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "pinyin"]
    search_fields = ["name", "name_hans", "name_hant", "name_en", "pinyin", "initials"]
    readonly_fields = ["name_hans", "name_hant", "pinyin", "initials"]
    inlines = [TermInline]
    fieldsets = [
        (None, {"fields": ["name", "name_en", "description"]}),
        (None, {"fields": ["name_hans", "name_hant", "pinyin", "initials", "pinyin_override"]}),
        SOURCE_FIELDSET,
    ]


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["position", "holder", "title", "started_on", "ended_on"]
    list_select_related = ["position__body", "person", "organisation"]
    list_filter = ["position__body"]
    search_fields = ["person__name", "person__name_hans", "organisation__name", "title"]
    autocomplete_fields = ["position", "person", "organisation", "affiliation"]
    date_hierarchy = "started_on"
