"""What a page's map needs of hubs and businesses, for json_script (drawn by static/js/map.js)."""


def map_points(hubs):
    """What a map needs of each hub, for json_script: an online hub is drawn at its home base,
    and one without a home base is not drawn at all."""
    return [
        {
            "name": h.name,
            "url": h.get_absolute_url(),
            "lat": h.latitude,
            "lng": h.longitude,
            "stage": h.get_stage_display(),
            "members": h.member_count,
            "online": h.is_online,
        }
        for h in hubs
        if h.point is not None
    ]


def business_map_points(business):
    """A business's map point: its public point, which for a home-based business is only its
    town's centre, drawn as an area rather than a pin."""
    latitude, longitude = business.public_point
    exact = business.location_public
    return [
        {
            "name": business.name,
            "url": business.get_absolute_url(),
            "lat": latitude,
            "lng": longitude,
            "detail": business.address if exact and business.address else business.city,
            "approximate": not exact,
            "zoom": 15 if exact else 12,
        }
    ]
