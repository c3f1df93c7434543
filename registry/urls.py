from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from governance.sitemaps import PositionSitemap
from members import views as members_views
from members.sitemaps import IndustrySitemap, MemberSitemap
from records.caching import public_page
from records.sitemaps import PagesSitemap
from registry import views

handler400 = "registry.views.bad_request"
handler403 = "registry.views.permission_denied"
handler500 = "registry.views.server_error"

sitemaps = {
    "pages": PagesSitemap(["alliance:home", "members:directory", "governance:index"]),
    "industries": IndustrySitemap,
    "members": MemberSitemap,
    "positions": PositionSitemap,
}

urlpatterns = [
    path("", views.language_redirect, name="language-redirect"),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path("open-data/members.csv", members_views.members_csv, name="open-data-csv"),
    path("open-data/members.json", members_views.members_json, name="open-data-json"),
]

urlpatterns += i18n_patterns(
    path("", include("alliance.urls")),
    path("members/", include("members.urls")),
    path("governance/", include("governance.urls")),
    prefix_default_language=True,
)
