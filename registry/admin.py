from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# django-axes' list of sign-in attempts, where a superuser sees who is locked out and lifts it. Its status
# column is named after its method in English, and counted "3 Attempt Remaining": both written here as the
# page's language has them. Each row counts the failures of its account from its address and of its address
# across accounts, as the lockout does (registry/logins.py).
admin.site.unregister(AccessAttempt)


def _failures(**match) -> Subquery:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since, **match).order_by()
    total = attempts.values("ip_address").annotate(total=Sum("failures_since_start")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


class LockedOutFilter(admin.SimpleListFilter):
    title = _("Locked Out")
    parameter_name = "locked_out"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        locked = Q(account_failures__gte=settings.LOGIN_FAILURE_LIMIT) | Q(
            address_failures__gte=settings.LOGIN_ADDRESS_FAILURE_LIMIT
        )
        if self.value() == "yes":
            return queryset.filter(locked)
        if self.value() == "no":
            return queryset.exclude(locked)
        return queryset


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    list_display = ["attempt_time", "ip_address", "username", "user_agent", "failures_since_start", "status"]
    list_filter = ["attempt_time", LockedOutFilter]
    actions = ["unlock_addresses", "cleanup_expired_attempts"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                account_failures=_failures(username=OuterRef("username"), ip_address=OuterRef("ip_address")),
                address_failures=_failures(ip_address=OuterRef("ip_address")),
            )
        )

    # Who is locked out, from where, with what: for superusers only, as is lifting it.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.display(description=_("Status"))
    def status(self, obj: AccessAttempt) -> str:
        if obj.account_failures >= settings.LOGIN_FAILURE_LIMIT:
            return gettext("Locked Out")
        if obj.address_failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return gettext("Address locked out")
        left = min(
            settings.LOGIN_FAILURE_LIMIT - obj.account_failures,
            settings.LOGIN_ADDRESS_FAILURE_LIMIT - obj.address_failures,
        )
        return ngettext("%(count)s attempt left", "%(count)s attempts left", left) % {"count": left}

    @admin.action(description=_("Unlock the addresses of the selected attempts, for every account"))
    def unlock_addresses(self, request, queryset):
        addresses = set(queryset.values_list("ip_address", flat=True))
        deleted, _rows = AccessAttempt.objects.filter(ip_address__in=addresses).delete()
        self.message_user(
            request,
            ngettext(
                "Unlocked %(addresses)s: %(count)d attempt deleted.",
                "Unlocked %(addresses)s: %(count)d attempts deleted.",
                deleted,
            )
            % {"addresses": ", ".join(sorted(filter(None, addresses))), "count": deleted},
            messages.SUCCESS,
        )
