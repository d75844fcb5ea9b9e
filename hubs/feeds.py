"""Atom feeds: newly approved hubs (all, by industry, by region) and each hub's news."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from hubs import queries
from hubs.models import Hub, Industry, Region

FEED_LENGTH = 30


class NewHubsFeed(Feed):
    feed_type = Atom1Feed
    subtitle = "Industry hubs newly approved in the directory."

    def get_object(self, request, industry=None, region=None):
        if industry:
            return get_object_or_404(Industry, slug=industry)
        if region:
            return get_object_or_404(Region, slug=region)
        return None

    def link(self, obj):
        return obj.get_absolute_url() if obj else reverse("hubs:hub_list")

    def title(self, obj):
        if isinstance(obj, Industry):
            return f"New {obj.title} hubs · Industry Hubs"
        if isinstance(obj, Region):
            return f"New hubs in {obj.name} · Industry Hubs"
        return "New hubs · Industry Hubs"

    def items(self, obj):
        hubs = queries.public_hubs()
        if isinstance(obj, Industry):
            hubs = queries.hubs_of_industry(obj)
        elif isinstance(obj, Region):
            hubs = queries.region_hubs(obj)
        return queries.with_coverage(list(hubs.order_by("-approved_at", "-pk")[:FEED_LENGTH]))

    def item_title(self, hub):
        return hub.name

    def item_description(self, hub):
        return f"{hub.industry.title} hub {hub.where}. {hub.description}"

    def item_pubdate(self, hub):
        return hub.approved_at or hub.created_at

    def item_updateddate(self, hub):
        return hub.updated_at


class HubNewsFeed(Feed):
    """A hub's updates and press mentions, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Hub.objects.approved(), slug=slug)

    def title(self, hub):
        return f"{hub.name}: news · Industry Hubs"

    def link(self, hub):
        return hub.get_absolute_url()

    def subtitle(self, hub):
        return f"Updates and press mentions of {hub.name}."

    def items(self, hub):
        updates = list(hub.updates.all()[:FEED_LENGTH])
        mentions = list(hub.mentions.all()[:FEED_LENGTH])
        entries = updates + mentions
        return sorted(entries, key=lambda e: e.created_at, reverse=True)[:FEED_LENGTH]

    def item_title(self, entry):
        return entry.title if hasattr(entry, "body") else f"In the press: {entry.title}"

    def item_description(self, entry):
        return entry.body if hasattr(entry, "body") else entry.url

    def item_link(self, entry):
        return entry.get_absolute_url() if hasattr(entry, "body") else entry.url

    def item_pubdate(self, entry):
        return entry.created_at
