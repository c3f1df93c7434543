from django.contrib import admin

from alliance.models import Alliance, Event, Platform, PolicyDocument, Speaker
from records.admin import SOURCE_FIELDSET, EitherScriptSearchMixin, HistoryAdmin


class PlatformInline(admin.TabularInline):
    model = Platform
    fields = ["number", "name", "name_en"]
    extra = 0


class PolicyDocumentInline(admin.TabularInline):
    model = PolicyDocument
    fields = ["order", "title", "issued_by", "year"]
    extra = 0


@admin.register(Alliance)
class AllianceAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "founded_on", "founded_in", "guided_by"]
    list_select_related = ["guided_by"]
    autocomplete_fields = ["guided_by", "supported_by"]
    inlines = [PlatformInline, PolicyDocumentInline]
    fieldsets = [
        (None, {"fields": ["name", "name_en", "standing", "standing_en", "mission", "mission_en"]}),
        (None, {"fields": ["stakeholders", "stakeholders_en", "launched_by", "launched_by_en"]}),
        (None, {"fields": ["founded_on", "founded_in", "founded_in_en", "guided_by", "supported_by"]}),
        SOURCE_FIELDSET,
    ]


class SpeakerInline(admin.TabularInline):
    model = Speaker
    fields = ["order", "person", "topic", "topic_en"]
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(Event)
class EventAdmin(EitherScriptSearchMixin, HistoryAdmin):
    list_display = ["name", "kind", "held_on", "place"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]
    inlines = [SpeakerInline]


@admin.register(Platform)
class PlatformAdmin(HistoryAdmin):
    list_display = ["number", "name", "name_en", "alliance"]
    list_select_related = ["alliance"]


@admin.register(Speaker)
class SpeakerAdmin(HistoryAdmin):
    list_display = ["person", "event", "topic"]
    list_select_related = ["person", "event"]


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(EitherScriptSearchMixin, HistoryAdmin):
    list_display = ["title", "issued_by", "year"]
    search_fields = ["title", "title_en"]
    autocomplete_fields = ["issuer"]
