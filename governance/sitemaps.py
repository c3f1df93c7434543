from governance.models import Position
from records.sitemaps import PublicSitemap


class PositionSitemap(PublicSitemap):
    def items(self):
        return Position.objects.order_by("pk").only("pk")

    def location(self, item):
        return item.get_absolute_url()
