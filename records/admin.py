import dataclasses
import functools
import operator
from urllib.parse import quote as urlquote

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import lookup_spawns_duplicates, quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from records import names
from records.caching import bump_public_version, versioned
from records.history_strings import REVERT
from records.models import NAME_TAKEN, Source

SOURCE_FIELDSET = (
    _("Source"),
    {"fields": ["source", "source_quote", "source_inferred"], "classes": ["collapse"]},
)


def pk_or_404(model, object_id: str):
    """The primary key an admin URL gives as text, or 404 where the text cannot be one (``abc`` for a number).

    Looked up as it is, such text raises ValueError (a 500); Django's own views ask get_object(), which
    converts it the same way.
    """
    try:
        return model._meta.pk.to_python(unquote(object_id))
    except ValidationError:
        raise Http404 from None


def shown_publicly(model) -> bool:
    """Whether any public page shows ``model``'s rows; a private model says ``shown_publicly = False``."""
    return getattr(model, "shown_publicly", True)


def private_fields(model) -> frozenset[str]:
    """The fields of ``model`` no public page shows, as the model declares them in ``PRIVATE_FIELDS``.

    A model no public page shows at all says so with ``shown_publicly = False``.
    """
    if not shown_publicly(model):
        return frozenset(field.name for field in model._meta.get_fields())
    return frozenset(getattr(model, "PRIVATE_FIELDS", ()))


def shows_publicly(form, formsets) -> bool:
    """Whether a saved change form (with its inlines) changed anything a public page shows.

    Rows added or deleted do; a changed row does unless only its private fields changed.
    """
    if set(form.changed_data) - private_fields(form._meta.model):
        return True
    for formset in formsets:
        if not shown_publicly(formset.model):
            continue
        if formset.new_objects or formset.deleted_objects:
            return True
        private = private_fields(formset.model)
        if any(set(fields) - private for _obj, fields in formset.changed_objects):
            return True
    return False


class ChangesHelper(HistoricalRecordContextHelper):
    """Old → new values on the history page, without the timestamps every save moves.

    Nor an organisation's stored membership status (the membership's own history records who changed
    it), nor an industry's stored member count.
    """

    hidden = {"updated_at", "membership_status", "member_count"}

    def context_for_delta_changes(self, delta):
        changes = [change for change in delta.changes if change.field not in self.hidden]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def prepare_delta_change_value(self, change, value):
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        field = self.model._meta.get_field(change.field)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class ChineseNamedFormSet(BaseInlineFormSet):
    """An inline of ChineseNamed rows, which refuses two of its rows named alike (新行业乙, 新行業乙).

    Each row's own clean() compares its name with the saved rows only, and the database would refuse the second.
    """

    def clean(self):
        super().clean()
        if not self.model.unique_name:
            return
        named = {}
        for form in self.forms:
            key = form.instance.name_key
            if not key or form.errors or self._should_delete_form(form):
                continue
            if key in named:
                form.add_error("name", NAME_TAKEN % {"name": named[key]})
            else:
                named[key] = form.instance.name


class DefaultedListFilter(admin.SimpleListFilter):
    """A list filter with a choice taken when none is asked for, such as active members; ``all`` lifts it."""

    default: str = ""

    def current(self) -> str:
        return self.value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.current() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class VersionedRelatedFilter(admin.RelatedFieldListFilter):
    """A related field's choices (sectors, industries) from the cache until the registry's data changes."""

    def field_choices(self, field, request, model_admin):
        name = f"admin:choices:{model_admin.opts.label_lower}:{self.field_path}:{get_language()}"
        return versioned(name, lambda: super(VersionedRelatedFilter, self).field_choices(field, request, model_admin))


class RowLinksChangeList(ChangeList):
    """A list whose rows link to their change pages through one URL made per page, not two lookups per row.

    Django reverses each row's link, then resolves it again to add the list's filters (which "Save"
    returns to): a tenth of a 100-row page's time.
    """

    PK = "__pk__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        opts = self.opts
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[self.PK],
            current_app=self.model_admin.admin_site.name,
        )
        self.row_url = add_preserved_filters({"preserved_filters": self.preserved_filters, "opts": opts}, url)
        # Only the row links read this, and theirs already hold the filters.
        self.preserved_filters = ""

    def url_for_result(self, result):
        # Quoted as reverse() quotes; the path comes first, so the first placeholder is the path's even if
        # the filters hold the same text.
        pk = urlquote(str(quote(getattr(result, self.pk_attname))), safe=RFC3986_SUBDELIMS + "/~:@")
        return self.row_url.replace(self.PK, pk, 1)


class HistoryAdmin(SimpleHistoryAdmin):
    """The registry's admin: each object's history page lists who changed which field from what to what."""

    # A website typed without its scheme ("lenovo.com") is taken as https, as Django 6 will by default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_changelist(self, request, **kwargs):
        return RowLinksChangeList

    def action_checkbox(self, obj):
        # Django's own renders a form widget's templates per row, a third of a 100-row page's rendering time.
        # The same markup (tests/test_admin_members.py compares the two).
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # Django counts the delete permission on protected objects too, and names the permission the user
            # lacks rather than the objects that stop the deletion: "deleting the industry would delete
            # organisations", which it would not. The protected objects are the reason; list them instead.
            perms_needed = set()
        return deleted, model_count, perms_needed, protected

    def save_model(self, request, obj, form, change):
        reverting = bool(request.resolver_match and request.resolver_match.url_name.endswith("_simple_history"))
        if reverting:
            obj._change_reason = REVERT  # A revert from the history page says so in the history.
        super().save_model(request, obj, form, change)
        if reverting:
            # A revert saves no inlines, and Django's save_related() is not called for it.
            self.saved(request, obj, public=shown_publicly(self.model))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        added = not change and shown_publicly(self.model)
        self.saved(request, form.instance, public=added or shows_publicly(form, formsets))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.deleted(request, [obj])

    def delete_queryset(self, request, queryset):
        objs = list(queryset)
        super().delete_queryset(request, queryset)
        self.deleted(request, objs)

    def saved(self, request, obj, *, public: bool) -> None:
        """After ``obj`` and its inlines were saved: refresh what is derived from them.

        ``public`` is whether the change shows on a public page; only then are the cached pages made stale.
        """
        if public:
            bump_public_version()

    def deleted(self, request, objs: list) -> None:
        """After ``objs`` were deleted."""
        if shown_publicly(self.model):
            bump_public_version()

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangesHelper(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        pk_or_404(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        pk_or_404(self.model, object_id)
        pk_or_404(self.model.history.model, version_id)
        # simple-history 3.13 saves a posted revert for anyone who may view the history.
        if request.method == "POST" and not self.has_change_permission(request, self.get_object(request, object_id)):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class EitherScriptSearchMixin:
    """A search finds text stored in either script, whichever it is typed in: 理事长 finds 理事長.

    For lists of text stored as entered, without the Simplified and Traditional columns a ChineseNamed
    model derives. Character by character, since a Simplified character may stand for two Traditional
    ones: 绿色制造 finds the article's 綠色制造 as well as 綠色製造.
    """

    def get_search_results(self, request, queryset, search_term):
        words = search_term.split()
        if not words:
            return super().get_search_results(request, queryset, search_term)
        fields = self.get_search_fields(request)
        condition = Q()
        for word in words:
            pattern = names.either_script_pattern(word)
            condition &= functools.reduce(operator.or_, (Q(**{f"{field}__iregex": pattern}) for field in fields))
        duplicates = any(lookup_spawns_duplicates(self.opts, field) for field in fields)
        return queryset.filter(condition), duplicates


class KeepHistoryMixin:
    """No one, superusers included, may delete an object with a history: it is withdrawn or ended instead.

    ``has_history(obj)`` says which objects are kept; an object entered by mistake may still be deleted.
    """

    kept_reason = _("records with a history, which are withdrawn or ended instead")

    def has_history(self, obj) -> bool:
        raise NotImplementedError

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.has_history(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(self.has_history(obj) for obj in objs):
            # Listed as a permission the user lacks, Django refuses the whole deletion with this reason.
            perms_needed.add(self.kept_reason)
        return deleted, model_count, perms_needed, protected


@admin.register(Source)
class SourceAdmin(EitherScriptSearchMixin, HistoryAdmin):
    list_display = ["title", "publisher", "url"]
    search_fields = ["title", "publisher"]
