from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, ContactRole
from contacts.validators import email_key
from members.models import Membership, Organisation
from notices import services
from notices.models import Delivery, Notice, NoticeText
from notices.rendering import PLACEHOLDERS, message_for
from records.admin import pk_or_404

TEXT_FIELDSETS = [
    (_("Simplified Chinese"), {"fields": ["subject_zh_hans", "body_zh_hans"]}),
    (_("Traditional Chinese"), {"fields": ["subject_zh_hant", "body_zh_hant"], "classes": ["collapse"]}),
    (_("English"), {"fields": ["subject_en", "body_en"], "classes": ["collapse"]}),
]
TEXT_HELP = _(
    "Write it in one language or all three: a contact whose language is left empty gets the Chinese in their "
    "script. The text may use {{ organisation }}, {{ short_name }}, {{ tier }}, {{ member_number }}, "
    "{{ contact }} and {{ title }}."
)
MAX_LIST_SIZE = 1_048_576
PREVIEW_CHOICES = 50


def _provinces() -> list[tuple[str, str]]:
    values = Organisation.objects.exclude(province="").order_by("province").values_list("province", flat=True)
    return [(value, value) for value in values.distinct()]


class NoticeForm(forms.ModelForm):
    """The notice, with its audience as ticks, and an uploaded list of addresses in place of them."""

    member_statuses = forms.MultipleChoiceField(
        label=_("membership statuses"),
        choices=Membership.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Active members when none is ticked."),
    )
    tiers = forms.MultipleChoiceField(
        label=_("tiers"), choices=Membership.Tier.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    provinces = forms.MultipleChoiceField(label=_("provinces"), choices=_provinces, required=False)
    organisation_kinds = forms.MultipleChoiceField(
        label=_("kinds of organisation"),
        choices=Organisation.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    roles = forms.MultipleChoiceField(
        label=_("contact roles"),
        choices=ContactRole.Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The primary contact when none is ticked."),
    )
    address_file = forms.FileField(
        label=_("upload a list"),
        required=False,
        help_text=_("A text or CSV file with contacts' e-mail addresses (UTF-8, GBK or Big5): it replaces the ticks."),
    )

    class Meta:
        model = Notice
        fields = [
            "kind",
            *(f"{part}_{language}" for language in ("zh_hans", "zh_hant", "en") for part in ("subject", "body")),
            "member_statuses",
            "tiers",
            "industries",
            "provinces",
            "organisation_kinds",
            "roles",
            "addresses",
        ]

    def clean_address_file(self):
        upload = self.cleaned_data.get("address_file")
        if not upload:
            return None
        if upload.size > MAX_LIST_SIZE:
            raise ValidationError(gettext("The list is larger than 1 MB."))
        data = upload.read()
        for encoding in ("utf-8-sig", "gb18030", "big5"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(gettext("The list is not text in UTF-8, GBK or Big5."))
        found = [
            email_key(cell)
            for line in text.splitlines()
            for cell in line.replace(";", ",").replace("\t", ",").split(",")
            if "@" in cell
        ]
        if not found:
            raise ValidationError(gettext("The list holds no e-mail address."))
        return "\n".join(dict.fromkeys(found))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("address_file"):
            cleaned["addresses"] = cleaned["address_file"]
        return cleaned


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    form = NoticeForm
    list_display = ["__str__", "kind", "status", "sent_summary", "created_by", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject_zh_hans", "subject_zh_hant", "subject_en"]
    filter_horizontal = ["industries"]
    readonly_fields = ["status", "created_by", "sent_at", "audience_described"]
    change_form_template = "admin/notices/notice/change_form.html"

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.status != Notice.Status.DRAFT:
            # What was sent stays as it was sent: the log points at this text.
            audience = ["audience_described", "addresses"]
        else:
            audience = ["member_statuses", "tiers", "industries", "provinces", "organisation_kinds", "roles"]
            audience += ["address_file", "addresses"]
        return [
            (None, {"fields": ["kind", "status", "created_by", "sent_at"], "description": TEXT_HELP}),
            *TEXT_FIELDSETS,
            (_("Audience"), {"fields": audience}),
        ]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Notice.Status.DRAFT)

    @admin.display(description=_("audience"))
    def audience_described(self, obj: Notice) -> str:
        """The audience's ticks in words: 理事单位 · 会员代表."""
        labels = [
            *(str(Membership.Status(value).label) for value in obj.member_statuses or [Membership.Status.ACTIVE]),
            *(str(Membership.Tier(value).label) for value in obj.tiers),
            *(industry.name for industry in obj.industries.all()),
            *obj.provinces,
            *(str(Organisation.Kind(value).label) for value in obj.organisation_kinds),
            *(str(ContactRole.Role(value).label) for value in obj.roles or [ContactRole.Role.PRIMARY]),
        ]
        return " · ".join(labels)

    def get_queryset(self, request):
        return super().get_queryset(request).with_delivery_counts().select_related("created_by")

    @admin.display(description=_("sent / queued / failed"))
    def sent_summary(self, obj: Notice) -> str:
        return f"{obj.sent} / {obj.queued} / {obj.failed}"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # A notice that went out is the record of what the alliance sent; only a draft may go.
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == Notice.Status.DRAFT)

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("notices.send_notice")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/preview/", view(self.preview_view), name="notices_notice_preview"),
            path("<path:object_id>/send/", view(self.send_view), name="notices_notice_send"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        notice = self.get_object(request, object_id) if pk_or_404(Notice, object_id) else None
        extra = {}
        if notice is not None:
            counted = Notice.objects.with_delivery_counts().get(pk=notice.pk)
            total = counted.sent + counted.queued + counted.failed + counted.uncertain
            extra = {
                "notice": counted,
                "total": total,
                "audience_count": notice.audience().count(),
                "bounced_count": notice.audience().bouncing().count(),
                "may_send": self.has_send_permission(request),
                "deliveries_url": reverse("admin:notices_delivery_changelist") + f"?notice__id__exact={notice.pk}",
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def preview_view(self, request, object_id):
        notice = get_object_or_404(Notice, pk=pk_or_404(Notice, object_id))
        if not self.has_view_or_change_permission(request, notice):
            raise PermissionDenied
        audience = notice.audience().order_by("organisation__pinyin", "pinyin")
        contact = None
        if request.GET.get("contact", "").isdigit():
            contact = Contact.objects.filter(pk=request.GET["contact"]).select_related("organisation").first()
        contact = contact or audience.first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "notice": notice,
            "title": gettext("Preview"),
            "contact": contact,
            "choices": audience[:PREVIEW_CHOICES],
            "message": message_for(notice, contact) if contact else None,
            "placeholders": PLACEHOLDERS,
        }
        return TemplateResponse(request, "admin/notices/notice/preview.html", context)

    def send_view(self, request, object_id):
        notice = get_object_or_404(Notice, pk=pk_or_404(Notice, object_id))
        if request.method != "POST" or not self.has_send_permission(request):
            raise PermissionDenied
        try:
            queued = services.notice_send(notice=notice, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("%(count)d messages queued: the task worker sends them, and this page follows it.")
                % {"count": queued},
                messages.SUCCESS,
            )
        return redirect("admin:notices_notice_change", notice.pk)


@admin.action(description=_("Send again on purpose"), permissions=["send"])
def resend(modeladmin, request, queryset):
    for notice_id in set(queryset.values_list("notice", flat=True)):
        contacts = queryset.filter(notice=notice_id).values_list("contact", flat=True)
        notice = Notice.objects.get(pk=notice_id)
        try:
            queued = services.notice_send(notice=notice, by=request.user, contacts=list(contacts), resend=True)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            modeladmin.message_user(
                request, gettext("%(count)d messages queued again.") % {"count": queued}, messages.SUCCESS
            )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The send log: every copy of every notice, whom it went to, and what the mail server said."""

    list_display = ["notice", "contact_link", "email", "language", "status", "resend", "attempts", "reply", "sent_at"]
    list_select_related = ["notice", "contact"]
    list_filter = ["status", "resend", "language", ("notice", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email", "contact__name", "contact__name_hans"]
    actions = [resend]
    date_hierarchy = "queued_at"

    @admin.display(description=_("contact"), ordering="contact__pinyin")
    def contact_link(self, obj: Delivery) -> str:
        url = reverse("admin:contacts_contact_change", args=[obj.contact_id])
        return format_html('<a href="{}">{}</a>', url, obj.contact.name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("notices.send_notice")


@admin.register(NoticeText)
class NoticeTextAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject_zh_hans", "updated_at"]
    fieldsets = [(None, {"fields": ["kind"], "description": TEXT_HELP}), *TEXT_FIELDSETS]

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj else []
