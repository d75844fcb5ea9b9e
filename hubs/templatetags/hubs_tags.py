"""Template filters for distances and map data."""

from django import template

from hubs import geo

register = template.Library()


@register.filter
def distance(km, unit="km"):
    """12.3456 -> "12.3 km", or "7.7 mi" when the unit is miles."""
    if km is None:
        return ""
    value = geo.km_to_miles(km) if unit == "mi" else km
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


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
