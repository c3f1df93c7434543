from django.urls import reverse

from governance.models import Position
from records.sitemaps import PublicSitemap


class PositionSitemap(PublicSitemap):
    def items(self):
        return Position.objects.order_by("pk").only("pk")

    def location(self, item):
        return reverse("governance:position", kwargs={"pk": item.pk})
