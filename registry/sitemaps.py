"""sitemap.xml: every public page in every language, each listing its translations."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from governance.models import Position
from members.models import Industry, Organisation


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PagesSitemap(PublicSitemap):
    def items(self):
        return ["registry:home", "members:directory", "governance:index"]

    def location(self, item):
        return reverse(item)


class IndustrySitemap(PublicSitemap):
    def items(self):
        return Industry.objects.order_by("slug")

    def location(self, item):
        return reverse("members:industry", kwargs={"slug": item.slug})


class MemberSitemap(PublicSitemap):
    def items(self):
        return Organisation.objects.members().order_by("slug")

    def location(self, item):
        return reverse("members:detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.updated_at


class PositionSitemap(PublicSitemap):
    def items(self):
        return Position.objects.order_by("pk")

    def location(self, item):
        return reverse("governance:position", kwargs={"pk": item.pk})


sitemaps = {
    "pages": PagesSitemap,
    "industries": IndustrySitemap,
    "members": MemberSitemap,
    "positions": PositionSitemap,
}
