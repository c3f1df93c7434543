from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts import services
from contacts.models import Contact, ContactRole
from members import admin as members_admin
from members.models import Organisation
from records.admin import DefaultedListFilter, HistoryAdmin

Role = ContactRole.Role
ROLES_HELP = _("Ticking primary contact hands the role over from whoever holds it; unticking a role ends it today.")


class RoleFilter(admin.SimpleListFilter):
    title = _("current role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [*Role.choices, ("none", _("no role"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.exclude(pk__in=ContactRole.objects.current().values("contact"))
        if self.value() in Role.values:
            return queryset.filter(pk__in=ContactRole.objects.current().filter(role=self.value()).values("contact"))
        return queryset


class PresenceFilter(DefaultedListFilter):
    """Contacts still at their organisation by default, as the member list shows active members."""

    title = _("at the organisation")
    parameter_name = "present"
    default = "yes"

    def lookups(self, request, model_admin):
        return [("yes", _("still there")), ("left", _("left")), ("all", _("all"))]

    def queryset(self, request, queryset):
        value = self.current()
        if value == "left":
            return queryset.exclude(pk__in=Contact.objects.current().values("pk"))
        return queryset if value == "all" else queryset.current()


class BouncedFilter(admin.SimpleListFilter):
    title = _("e-mail")
    parameter_name = "bounced"

    def lookups(self, request, model_admin):
        return [("yes", _("bounced"))]

    def queryset(self, request, queryset):
        return queryset.bouncing() if self.value() == "yes" else queryset


class RolesForm(forms.ModelForm):
    """A contact's form with its current roles as ticks, which contact_roles_set() writes when saved."""

    current_roles = forms.MultipleChoiceField(
        label=_("current roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=ROLES_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["current_roles"].initial = list(
                ContactRole.objects.current().filter(contact=self.instance).values_list("role", flat=True)
            )


class ContactInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        primary = [
            form
            for form in self.forms
            if not form.errors
            and not self._should_delete_form(form)
            and Role.PRIMARY in form.cleaned_data.get("current_roles", [])
        ]
        for form in primary[1:]:
            form.add_error(
                "current_roles", gettext("An organisation has one primary contact; tick it on one row only.")
            )


def roles_held(obj: Contact) -> str:
    today = timezone.localdate()
    held = [role for role in obj.roles.all() if role.held_on(today)]  # the prefetched roles
    return "、".join(str(r.get_role_display()) for r in sorted(held, key=lambda r: Role.values.index(r.role)))


class ContactInline(admin.StackedInline):
    model = Contact
    form = RolesForm
    formset = ContactInlineFormSet
    fields = [
        ("name", "title", "department"),
        ("mobile", "telephone", "email"),
        ("language", "left_on"),
        "current_roles",
    ]
    extra = 0
    show_change_link = True
    verbose_name_plural = _("contacts (not displayed publicly)")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles").order_by("left_on", "pinyin", "pk")

    @admin.display(description=_("current roles"))
    def current_roles(self, obj: Contact) -> str:
        return roles_held(obj)


def save_roles(request, forms_) -> None:
    """Write the roles ticked on each saved contact form, and say whose primary role was handed over."""
    for form in forms_:
        if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE") or form.instance.pk is None:
            continue
        if "current_roles" not in form.changed_data:
            continue
        roles = set() if form.instance.has_left else set(form.cleaned_data.get("current_roles", []))
        for previous in services.contact_roles_set(contact=form.instance, roles=roles, by=request.user):
            messages.info(
                request,
                gettext("%(previous)s is no longer the primary contact; %(name)s is.")
                % {"previous": previous.name, "name": form.instance.name},
            )


class PrimaryContactFilter(admin.SimpleListFilter):
    title = _("primary contact")
    parameter_name = "primary_contact"

    def lookups(self, request, model_admin):
        return [("none", _("none"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.exclude(
                pk__in=ContactRole.objects.current().filter(role=Role.PRIMARY).values("organisation")
            )
        return queryset


admin.site.unregister(Organisation)


@admin.register(Organisation)
class OrganisationAdmin(members_admin.OrganisationAdmin):
    """The organisation's page with its contacts, for staff who may see them."""

    inlines = [*members_admin.OrganisationAdmin.inlines, ContactInline]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [*filters, PrimaryContactFilter] if request.user.has_perm("contacts.view_contact") else filters

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Contact:
            save_roles(request, formset.forms)


class ContactRoleInline(admin.TabularInline):
    """The roles' history, as the ticks above wrote it."""

    model = ContactRole
    fields = ["role", "since", "until"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("roles, past and present")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(HistoryAdmin):
    form = RolesForm
    list_display = ["name", "organisation", "title", "current_roles", "mobile", "email", "language", "bounced"]
    list_select_related = ["organisation"]
    list_filter = [PresenceFilter, RoleFilter, BouncedFilter, "language"]
    search_fields = ["name"]
    search_help_text = _("Name in either script, pinyin or initials, e-mail address or telephone number.")
    autocomplete_fields = ["organisation"]
    readonly_fields = ["email_bounced_at", "email_bounce"]
    inlines = [ContactRoleInline]
    fieldsets = [
        (None, {"fields": ["organisation", "name", "name_en", "pinyin_override", "title", "department"]}),
        (_("How to reach them"), {"fields": ["mobile", "telephone", "email", "language"]}),
        (None, {"fields": ["current_roles", "left_on", "email_bounced_at", "email_bounce", "notes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False

    @admin.display(description=_("current roles"))
    def current_roles(self, obj: Contact) -> str:
        return roles_held(obj)

    @admin.display(description=_("bounced"), boolean=True)
    def bounced(self, obj: Contact) -> bool:
        return obj.email_bounced_at is not None

    def save_model(self, request, obj, form, change):
        if change and "email" in form.changed_data:
            obj.email_bounced_at, obj.email_bounce = None, ""  # a corrected address is tried again
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        save_roles(request, [form])

    def has_delete_permission(self, request, obj=None):
        # A person who leaves is history, not a deletion: give the day they left instead.
        return False


@admin.register(ContactRole)
class ContactRoleAdmin(admin.ModelAdmin):
    """Who held which role when: the list to find the dues contacts or the representatives. Written by the ticks."""

    list_display = ["contact", "organisation", "role", "since", "until"]
    list_select_related = ["contact__organisation", "organisation"]
    list_filter = ["role", "since"]
    search_fields = ["contact__name", "contact__name_hans", "contact__pinyin", "organisation__name_hans"]
    date_hierarchy = "since"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
