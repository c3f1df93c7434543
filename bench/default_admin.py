"""The admin changelist's anchor: the organisation list as Django's stock admin makes it, served beside ours.

`make bench` serves the site through this module (gunicorn's app ``default_admin:application()``, with
bench/ on the path): the registry's URLs as they are, then ``STOCK_ADMIN`` (/default-admin/), an admin site that
registers every model the registry's admin does with a plain ModelAdmin. Its organisation list asks
for the registry's columns, filters and search the way Django's documentation shows, and has none of
the registry's own work on the list (members/admin.py, registry/admin.py, records/pagination.py):
Django's paginator counting every row, its search of each field with icontains, its row links and
checkboxes, filters that read their choices from the table on every request. Issue 6 quotes such an
admin at 70, 155 and 235 ms for page 1, page 500 and the search for 科技 on its author's machine.
"""

import os
import sys

from server import ROOT, STOCK_ADMIN

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402

from members.models import Organisation  # noqa: E402
from registry.urls import urlpatterns as registry_urlpatterns  # noqa: E402


class StockOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "industry", "kind", "status", "tier", "since"]
    list_select_related = ["industry"]
    list_filter = ["membership_status", "memberships__tier", "industry__sector", "industry", "kind", "province"]
    search_fields = ["name", "name_hans", "name_hant", "name_en", "short_name", "pinyin", "initials", "credit_code"]
    ordering = ["pinyin", "name", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_membership()

    @admin.display(description="status", ordering="membership_status")
    def status(self, obj):
        return obj.get_membership_status_display()

    @admin.display(description="tier", ordering="membership_tier")
    def tier(self, obj):
        return obj.membership_tier

    @admin.display(description="member since", ordering="membership_since")
    def since(self, obj):
        return obj.membership_since


site = admin.AdminSite(name="default_admin")
for model in admin.site._registry:
    site.register(model, StockOrganisationAdmin if model is Organisation else admin.ModelAdmin)

urlpatterns = [*registry_urlpatterns, path(STOCK_ADMIN.lstrip("/"), site.urls)]


def application():
    """The WSGI application, serving this module's URLs (gunicorn calls it once, as an app factory)."""
    settings.ROOT_URLCONF = __name__
    return get_wsgi_application()
