from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm

from members import listing, quality, services, transfer
from members.admin_jobs import MemberFileJobsMixin
from members.models import ONE_OPEN_MEMBERSHIP, Industry, Membership, Organisation, Sector
from members.resources import FORMATS, OrganisationResource
from records.admin import (
    SOURCE_FIELDSET,
    ChineseNamedFormSet,
    DefaultedListFilter,
    HistoryAdmin,
    KeepHistoryMixin,
    VersionedRelatedFilter,
)
from records.caching import versioned
from records.pagination import SEARCH_COUNT_LIMIT, IdsFirstPaginator


class IndustryInline(admin.TabularInline):
    model = Industry
    formset = ChineseNamedFormSet
    fields = ["order", "name", "name_en", "slug", "label"]
    extra = 0


@admin.register(Sector)
class SectorAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "slug", "order"]
    search_fields = ["name", "name_hans", "name_hant", "name_en", "pinyin"]
    inlines = [IndustryInline]


@admin.register(Industry)
class IndustryAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "label", "sector", "member_count", "slug"]
    list_select_related = ["sector"]
    list_filter = ["sector"]
    search_fields = ["name", "name_hans", "name_hant", "name_en", "pinyin", "slug"]


# The membership lifecycle, shared by the organisation and membership lists.


class WithdrawForm(forms.Form):
    on = forms.DateField(label=_("withdrawn on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    reason = forms.CharField(label=_("reason"), max_length=80, widget=forms.TextInput(attrs={"size": 60}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].widget.attrs["max"] = f"{timezone.localdate():%Y-%m-%d}"

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError(services.WITHDRAWAL_DAY_TO_COME)
        return on


def _run_lifecycle(modeladmin, request, memberships, service, **kwargs):
    done = 0
    for membership in memberships:
        try:
            service(membership=membership, by=request.user, **kwargs)
            done += 1
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d membership changed.", "%(count)d memberships changed.", done) % {"count": done},
            messages.SUCCESS,
        )


def _lifecycle_action(service, description):
    def action(modeladmin, request, queryset):
        _run_lifecycle(
            modeladmin, request, modeladmin.memberships_of(request, queryset), service, on=timezone.localdate()
        )

    action.__name__ = service.__name__.removeprefix("membership_")
    return admin.action(description=description, permissions=["change"])(action)


@admin.action(description=_("Withdraw the membership…"), permissions=["change"])
def withdraw(modeladmin, request, queryset):
    """Ask for the date and the reason on a page of its own, then withdraw."""
    form = WithdrawForm(request.POST if "confirm" in request.POST else None, initial={"on": timezone.localdate()})
    if form.is_valid():
        _run_lifecycle(
            modeladmin,
            request,
            modeladmin.memberships_of(request, queryset),
            services.membership_withdraw,
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Withdraw memberships"),
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/members/withdraw.html", context)


LIFECYCLE_ACTIONS = [
    _lifecycle_action(services.membership_approve, _("Approve the application")),
    _lifecycle_action(services.membership_suspend, _("Suspend the membership")),
    _lifecycle_action(services.membership_reinstate, _("Reinstate the membership")),
    withdraw,
]


# Organisations


class StatusFilter(DefaultedListFilter):
    """Membership status; active members unless asked otherwise, as staff look for members most."""

    title = _("membership status")
    parameter_name = "status"
    default = Membership.Status.ACTIVE

    def lookups(self, request, model_admin):
        return [*Membership.Status.choices, ("none", _("no membership")), ("all", _("all"))]

    def queryset(self, request, queryset):
        value = self.current()
        if value == "all":
            return queryset
        return queryset.filter(membership_status="" if value == "none" else value)


class TierFilter(admin.SimpleListFilter):
    title = _("tier")
    parameter_name = "tier"

    def lookups(self, request, model_admin):
        return Membership.Tier.choices

    def queryset(self, request, queryset):
        return queryset.filter(membership_tier=self.value()) if self.value() else queryset


class ProvinceFilter(admin.SimpleListFilter):
    """The provinces organisations are in, listed from the cache until the registry's data changes.

    Listing them from the table reads every organisation on every page of the list.
    """

    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        provinces = versioned(
            "admin:provinces",
            lambda: list(
                Organisation.objects.exclude(province="")
                .order_by("province")
                .values_list("province", flat=True)
                .distinct()
            ),
        )
        return [(province, province) for province in provinces]

    def queryset(self, request, queryset):
        return queryset.filter(province=self.value()) if self.value() else queryset


class QualityFilter(admin.SimpleListFilter):
    """The dashboard's data-quality lists, as a filter so each links to the rows to fix."""

    title = _("data quality")
    parameter_name = "quality"

    def lookups(self, request, model_admin):
        return quality.PROBLEMS

    def queryset(self, request, queryset):
        return queryset.filter(pk__in=quality.problem_ids(self.value())) if self.value() else queryset


class MembershipInlineForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["status", "tier", "since", "until", "is_founding", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 1, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An existing membership changes status through the lifecycle actions, which record why.
            for name in ["status", "until"]:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Use the actions in the list to change this.")


class MembershipInlineFormSet(BaseInlineFormSet):
    """An organisation's memberships, of which at most one may be open.

    Each row checks the saved memberships only: two new open rows would each pass, and the database refuse the second.
    """

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [form.cleaned_data for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        if sum(row["status"] != Membership.Status.WITHDRAWN for row in rows) > 1:
            raise ValidationError(ONE_OPEN_MEMBERSHIP)


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    formset = MembershipInlineFormSet
    extra = 0


def member_file_columns(fields_list: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """import-export's list of a resource's columns, named as the page's language writes the file's headers."""
    return [(resource, [transfer.column_name(key) for key in keys]) for resource, keys in fields_list]


class MemberFileExportForm(SelectableFieldsExportForm):
    """The export's columns, each named as the file's header will be: 名称 on Chinese pages, name on English ones."""

    # import-export 4 has no public hook for these labels; tests/test_admin_i18n.py checks them in each language.
    def _get_field_label(self, resource, field_name: str) -> str:
        return transfer.column_name(field_name)


class LimitedImportForm(ImportForm):
    """The admin's import form: refuses a file over IMPORT_MAX_UPLOAD_SIZE (settings).

    That, and IMPORT_MAX_ROWS, which the import itself applies as it reads (OrganisationResource and
    members/tasks.py), bound what the admin takes; a file over IMPORT_REQUEST_MAX_SIZE or _ROWS is
    checked and written by a task worker rather than within requests (members/admin_jobs.py).
    """

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_SIZE
        if upload.size > limit:
            raise ValidationError(
                _(
                    "This file is %(size)s; the admin imports files of at most %(limit)s. "
                    "Split it, or import it with manage.py import_members."
                )
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


@admin.register(Organisation)
class OrganisationAdmin(MemberFileJobsMixin, KeepHistoryMixin, ImportExportMixin, HistoryAdmin):
    # import-export's import views, forms and templates; the rows are checked and written by
    # members.transfer, in bulk (OrganisationResource.import_data), not row by row.
    resource_classes = [OrganisationResource]
    import_form_class = LimitedImportForm
    export_form_class = MemberFileExportForm
    import_formats = export_formats = FORMATS
    import_template_name = "admin/members/organisation/import.html"
    # No LogEntry per imported row: each row's history records who imported it and why, and thousands of
    # "added" entries would bury the dashboard's recent actions. The import itself is logged (registry.imports).
    skip_admin_log = True
    list_display = ["name", "short_name", "industry", "kind", "status", "tier", "since"]
    list_select_related = ["industry"]
    list_filter = [
        StatusFilter,
        TierFilter,
        ("industry__sector", VersionedRelatedFilter),
        ("industry", VersionedRelatedFilter),
        "kind",
        ProvinceFilter,
        QualityFilter,
    ]
    # Searching goes through Organisation.objects.search (scripts, pinyin, initials, credit code).
    search_fields = ["name"]
    search_help_text = _("Chinese name in either script, English or short name, pinyin, initials or credit code.")
    ordering = ["pinyin", "name", "id"]
    paginator = IdsFirstPaginator
    show_full_result_count = False  # A second count of every organisation, on every page.
    autocomplete_fields = ["industry"]
    readonly_fields = ["name_hans", "name_hant", "pinyin", "initials"]
    inlines = [MembershipInline]
    actions = LIFECYCLE_ACTIONS
    fieldsets = [
        (None, {"fields": ["name", "name_en", "short_name", "credit_code", "kind", "industry"]}),
        (_("Contact"), {"fields": ["province", "city", "website", "description", "slug"]}),
        (_("Derived names"), {"fields": ["name_hans", "name_hant", "pinyin", "initials", "pinyin_override"]}),
        SOURCE_FIELDSET,
    ]

    def get_export_resource_classes(self, request):
        # Private columns (the primary contact's) only for a user who may see them.
        return [OrganisationResource.with_groups(transfer.column_groups_for(request.user))]

    def get_import_resource_classes(self, request):
        return [OrganisationResource.with_groups(transfer.column_groups_for(request.user, importing=True))]

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context and "fields_list" in context:
            context["fields_list"] = member_file_columns(context["fields_list"])
        return response

    def process_import(self, request, **kwargs):
        # django-import-export reads the kept file without asking whether it is still there, or whether
        # this preview was confirmed already: a second confirmation would import the file twice.
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if request.method != "POST" or not form.is_valid():
            return super().process_import(request, **kwargs)
        kept = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"], **self.get_tmp_storage_class_kwargs()
        )
        if not kept.claim():
            message = _("This preview was imported already, or is no longer kept: choose the file again.")
            self.message_user(request, message, messages.WARNING)
            return redirect("admin:members_organisation_import")
        try:
            return super().process_import(request, **kwargs)
        except BaseException:
            kept.release()
            raise

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        # The confirmation is checked again, and the registry changed since the preview: nothing was written.
        message = _("Nothing was imported: the registry changed since the preview, and the file no longer passes.")
        self.message_user(request, message, messages.ERROR)
        resource_classes = self.get_import_resource_classes(request)
        form = self.get_import_form_class(request)(self.get_import_formats(), resource_classes)
        resources = [resource_class(**self.get_import_resource_kwargs(request)) for resource_class in resource_classes]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": member_file_columns(
                [
                    (resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])
                    for resource in resources
                ]
            ),
            "import_error_display": self.import_error_display,
            "result": result,
        }
        return TemplateResponse(request, [self.import_template_name], context)

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_membership()

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search counts its matches up to a limit, as the public directory's does; the list then says
        # "more than", and offers no "select all" that would reach rows it did not count.
        limit = SEARCH_COUNT_LIMIT if request.GET.get(SEARCH_VAR) else None
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, limit=limit)

    # The labels as text: the admin compares a cell's value with its empty values and hashes choices, and
    # each comparison with a lazy label translated it again, about five times a cell: 7% of the list page.
    @admin.display(description=_("status"), ordering="membership_status")
    def status(self, obj):
        return str(Membership.Status(obj.membership_status).label) if obj.membership_status else "—"

    @admin.display(description=_("tier"), ordering="membership_tier")
    def tier(self, obj):
        return str(Membership.Tier(obj.membership_tier).label) if obj.membership_tier else "—"

    @admin.display(description=_("member since"), ordering="membership_since")
    def since(self, obj):
        return obj.membership_since

    def memberships_of(self, request, queryset):
        """The open membership of each selected organisation; those without one are reported."""
        memberships = list(Membership.objects.open().filter(organisation__in=queryset).select_related("organisation"))
        having = {m.organisation_id for m in memberships}
        for organisation in queryset.exclude(pk__in=having):
            self.message_user(
                request,
                _("%(organisation)s has no open membership.") % {"organisation": organisation},
                messages.WARNING,
            )
        return memberships

    kept_reason = _("organisations with a history, which are withdrawn instead")

    def has_history(self, obj) -> bool:
        return services.organisation_has_history(obj)

    def save_model(self, request, obj, form, change):
        # The industry it leaves is counted again too, once its memberships are saved (saved()).
        obj._left_industry = Organisation.objects.filter(pk=obj.pk).values_list("industry", flat=True).first()
        super().save_model(request, obj, form, change)

    def saved(self, request, obj, *, public):
        if public:
            listing.refresh(organisations=[obj.pk], industries=[obj._left_industry])

    def deleted(self, request, objs):
        listing.refresh(industries=[obj.industry_id for obj in objs])


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["organisation", "status", "tier", "since", "until", "is_founding"]
    list_select_related = ["organisation"]
    list_filter = ["status", "tier", "is_founding", ("organisation__industry__sector", VersionedRelatedFilter)]
    search_fields = ["organisation__name"]
    search_help_text = OrganisationAdmin.search_help_text
    paginator = IdsFirstPaginator
    show_full_result_count = False  # A second count of every membership, on every page.
    autocomplete_fields = ["organisation"]
    actions = LIFECYCLE_ACTIONS

    def get_search_results(self, request, queryset, search_term):
        # The organisation list's search: either script, English and short names, pinyin, initials, codes.
        if not search_term:
            return queryset, False
        return queryset.filter(organisation__in=Organisation.objects.search(search_term).values("pk")), False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["status", "until"]
        return []

    def memberships_of(self, request, queryset):
        return list(queryset.select_related("organisation"))

    def save_model(self, request, obj, form, change):
        # A membership moved to another organisation leaves that one's status to be stored again (saved()).
        obj._left_organisation = Membership.objects.filter(pk=obj.pk).values_list("organisation", flat=True).first()
        super().save_model(request, obj, form, change)

    def saved(self, request, obj, *, public):
        if public:
            listing.refresh(organisations=[obj.organisation_id, obj._left_organisation])

    def deleted(self, request, objs):
        listing.refresh(organisations=[obj.organisation_id for obj in objs])
