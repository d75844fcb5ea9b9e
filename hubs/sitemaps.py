"""sitemap.xml: every public page of hubs, businesses, industries and regions."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from hubs.models import Business, Hub, Industry, Region


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "hubs:home",
            "hubs:hub_list",
            "hubs:industry_list",
            "hubs:region_list",
            "hubs:business_list",
            "hubs:data",
            "hubs:about",
        ]

    def location(self, name):
        return reverse(name)


class HubSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Hub.objects.approved().order_by("pk")

    def lastmod(self, hub):
        return hub.updated_at


class BusinessSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Business.objects.order_by("pk")

    def lastmod(self, business):
        return business.updated_at


class IndustrySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Industry.objects.order_by("code")


class RegionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Region.objects.order_by("pk")


SITEMAPS = {
    "pages": StaticSitemap,
    "hubs": HubSitemap,
    "businesses": BusinessSitemap,
    "industries": IndustrySitemap,
    "regions": RegionSitemap,
}
