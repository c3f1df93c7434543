from itertools import groupby

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from governance import services
from governance.models import Body, Person, Position, Term
from members.models import Organisation
from records.admin import SOURCE_FIELDSET, EitherScriptSearchMixin, HistoryAdmin, KeepHistoryMixin, pk_or_404
from records.pagination import IdsFirstPaginator


class PositionInline(admin.TabularInline):
    model = Position
    fields = ["name", "name_en", "rank", "seats"]
    extra = 0


class TermFormSet(forms.BaseInlineFormSet):
    """Terms saved together must leave each other a seat, as each must leave one to the saved terms."""

    def clean(self):
        super().clean()
        earlier = []
        for form in self.forms:
            if not form.has_changed() or not form.is_valid():
                continue
            if errors := form.instance.seat_errors(alongside=earlier):
                form.add_error(None, errors)
            else:
                earlier.append(form.instance)


class TermInline(admin.TabularInline):
    model = Term
    formset = TermFormSet
    fields = ["position", "person", "organisation", "title", "started_on", "ended_on"]
    autocomplete_fields = ["position", "person", "organisation"]
    extra = 0
    can_delete = False  # Terms are ended, not deleted.

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("position__body", "person", "organisation")


@admin.register(Body)
class BodyAdmin(EitherScriptSearchMixin, HistoryAdmin):
    list_display = ["name", "name_en", "kind", "order"]
    search_fields = ["name", "name_en"]
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(EitherScriptSearchMixin, HistoryAdmin):
    list_display = ["__str__", "body", "rank", "seats"]
    list_select_related = ["body"]
    list_filter = ["body"]
    search_fields = ["name", "name_en", "body__name"]
    inlines = [TermInline]


@admin.register(Person)
class PersonAdmin(KeepHistoryMixin, HistoryAdmin):
    list_display = ["name", "name_en", "pinyin"]
    search_fields = ["name", "name_hans", "name_hant", "name_en", "pinyin", "initials"]
    readonly_fields = ["name_hans", "name_hant", "pinyin", "initials"]
    inlines = [TermInline]
    fieldsets = [
        (None, {"fields": ["name", "name_en", "description"]}),
        (_("Derived names"), {"fields": ["name_hans", "name_hant", "pinyin", "initials", "pinyin_override"]}),
        SOURCE_FIELDSET,
    ]
    kept_reason = _("people who held a term, spoke or were edited, which are kept")

    def has_history(self, obj) -> bool:
        return services.person_has_history(obj)


class SuccessionForm(forms.Form):
    """The successor to a term and the day the handover happens."""

    on = forms.DateField(
        label=_("handover on"),
        help_text=_("The outgoing term ends and the new one starts on this day."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    person = forms.ModelChoiceField(Person.objects.all(), label=_("person"), required=False)
    organisation = forms.ModelChoiceField(Organisation.objects.all(), label=_("organisation"), required=False)
    title = forms.CharField(label=_("held as"), max_length=200, required=False)
    title_en = forms.CharField(label=_("held as (English)"), max_length=200, required=False)
    affiliation = forms.ModelChoiceField(Organisation.objects.all(), label=_("affiliation"), required=False)

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["person", "organisation", "affiliation"]:
            field = self.fields[name]
            field.widget = AutocompleteSelect(Term._meta.get_field(name), admin_site, choices=field.choices)

    def clean(self):
        data = super().clean()
        if bool(data.get("person")) == bool(data.get("organisation")):
            raise ValidationError(_("Choose a person or an organisation as the successor, not both nor neither."))
        return data


class OnDateForm(forms.Form):
    on = forms.DateField(
        label=_("on"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


@admin.register(Term)
class TermAdmin(EitherScriptSearchMixin, HistoryAdmin):
    list_display = ["position", "holder", "title", "started_on", "ended_on", "succeed_link"]
    list_select_related = ["position__body", "person", "organisation"]
    list_filter = ["position__body"]
    search_fields = ["person__name", "person__name_hans", "person__name_hant", "organisation__name", "title"]
    autocomplete_fields = ["position", "person", "organisation", "affiliation"]
    date_hierarchy = "started_on"
    paginator = IdsFirstPaginator
    show_full_result_count = False  # A second count of every term, on every page.
    actions = ["succeed"]

    def has_delete_permission(self, request, obj=None):
        """No one deletes a term: it is ended, or succeeded (see succeed)."""
        return False

    def has_hand_over_permission(self, request, obj=None):
        """Whether the user may end a term and appoint its successor (see succeed_view)."""
        return self.has_change_permission(request, obj) and self.has_add_permission(request)

    def get_list_display(self, request):
        if self.has_hand_over_permission(request):
            return self.list_display
        return [name for name in self.list_display if name != "succeed_link"]

    def get_urls(self):
        return [
            path("on-date/", self.admin_site.admin_view(self.on_date_view), name="governance_term_on_date"),
            path(
                "<path:object_id>/succeed/",
                self.admin_site.admin_view(self.succeed_view),
                name="governance_term_succeed",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("holder"))
    def holder(self, term):
        return term.holder

    @admin.display(description=_("succession"))
    def succeed_link(self, term):
        if term.ended_on is not None:
            return ""
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:governance_term_succeed", args=[term.pk]), _("Appoint successor")
        )

    @admin.action(description=_("End the term and appoint a successor…"), permissions=["hand_over"])
    def succeed(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one term to hand over."), messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:governance_term_succeed", args=[queryset.get().pk]))

    def succeed_view(self, request, object_id):
        terms = Term.objects.select_related("position__body", "person", "organisation")
        term = get_object_or_404(terms, pk=pk_or_404(Term, object_id))
        if not self.has_hand_over_permission(request, term):
            raise PermissionDenied
        form = SuccessionForm(
            request.POST or None,
            admin_site=self.admin_site,
            initial={"on": timezone.localdate(), "title": term.title, "title_en": term.title_en},
        )
        if request.method == "POST" and form.is_valid():
            try:
                successor = services.term_succeed(term=term, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("%(old)s ends on %(date)s; %(new)s takes over.")
                    % {"old": term.holder, "new": successor.holder, "date": successor.started_on.isoformat()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:governance_position_change", args=[term.position_id]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hand over %(position)s") % {"position": term.position},
            "opts": self.opts,
            "term": term,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/governance/term/succeed.html", context)

    def on_date_view(self, request):
        """Who held what on a date: the current line-up unless another day is asked for."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = OnDateForm(request.GET or None)
        on = (form.is_valid() and form.cleaned_data["on"]) or timezone.localdate()
        terms = (
            Term.objects.current(on=on)
            .select_related("position__body", "person", "organisation", "affiliation")
            .order_by("position__body__order", "position__body__name", "position__rank", "position__name", "pk")
        )
        terms = list(terms)
        bodies = [(body, list(rows)) for body, rows in groupby(terms, key=lambda term: term.position.body)]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Who held what on %(date)s") % {"date": on.isoformat()},
            "opts": self.opts,
            "form": form,
            "on": on,
            "is_today": on == timezone.localdate(),
            "bodies": bodies,
            "count": len(terms),
            "can_hand_over": self.has_hand_over_permission(request),
        }
        return TemplateResponse(request, "admin/governance/term/on_date.html", context)
