"""Values every page's template needs."""

from django.conf import settings


def site(request):
    return {
        "map_config": {
            "tiles": settings.MAP_TILES_URL,
            "attribution": settings.MAP_TILES_ATTRIBUTION,
        },
    }
