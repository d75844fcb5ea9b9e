"""Template filters for distances, meeting days, query strings and structured data, and the
addresses of the pages built most."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from hubs import geo
from hubs.routes import route_url

register = template.Library()


@register.filter
def distance(km, unit="km"):
    """12.3456 -> "12.3 km", or "7.7 mi" when the unit is miles."""
    if km is None:
        return ""
    value = geo.km_to_miles(km) if unit == "mi" else km
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


@register.filter
def away(km, unit="km"):
    """How far a nearby row is, never "0 km" for one that is not there: 0.4 -> "under 1 km
    away", 12.3456 -> "12.3 km away"."""
    if km is None:
        return ""
    value = geo.km_to_miles(km) if unit == "mi" else km
    return f"under 1 {unit} away" if value < 1 else f"{distance(km, unit)} away"


@register.filter
def meeting_day(moment, hub):
    """ "Tue 12 Jan": the day a meeting starts, in its hub's time zone."""
    if moment is None:
        return ""
    local = moment.astimezone(hub.zone)
    return f"{local:%a} {local.day} {local:%b}"


@register.simple_tag(takes_context=True)
def query_string(context, **changes):
    """The current query string with some parameters changed (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


_LD_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data):
    """Structured data for search engines, escaped so no text can close the script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_LD_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.simple_tag
def route(name, slug=None):
    """``{% url name %}`` or ``{% url name slug %}`` from the route's address as first built
    (``hubs.routes``): for the pages built most, every page's frame and a hub's page."""
    return route_url(name, slug)
