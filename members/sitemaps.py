from django.db.models import Max

from members.models import Industry, Organisation
from records.sitemaps import PublicSitemap


class IndustrySitemap(PublicSitemap):
    def items(self):
        return Industry.objects.order_by("slug").only("slug")

    def location(self, item):
        return item.get_absolute_url()


class MemberSitemap(PublicSitemap):
    def items(self):
        return Organisation.objects.members().order_by("slug").only("slug", "updated_at")

    def location(self, item):
        return item.get_absolute_url()

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default reads every member to find the latest.
        return Organisation.objects.members().aggregate(latest=Max("updated_at"))["latest"]
