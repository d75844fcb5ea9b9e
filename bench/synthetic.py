"""Seeded synthetic geography: city centres, points clustered around them, and search points."""

import math
import random
from dataclasses import dataclass
from itertools import accumulate

KM_PER_DEGREE = 111.195  # Along a meridian, on the site's spherical Earth.
LAND_LATITUDES = (-55.0, 70.0)
CLUSTERED_SHARE = 0.9  # The rest is spread uniformly, far from any city.
SPREAD_KM = (5.0, 40.0)


@dataclass(frozen=True)
class City:
    lat: float
    lng: float
    weight: float
    spread_km: float


def random_cities(rng, count):
    """Cities anywhere in land-ish latitudes, with log-normal weights (σ = 1).

    Of 3,000 such cities the largest holds about 0.5% of the points and the ten largest about 4%,
    as the world's largest metro areas hold of its people.
    """
    return [
        City(
            lat=rng.uniform(*LAND_LATITUDES),
            lng=rng.uniform(-180.0, 180.0),
            weight=rng.lognormvariate(0.0, 1.0),
            spread_km=rng.uniform(*SPREAD_KM),
        )
        for _ in range(count)
    ]


def real_cities(rng, rows):
    """Cities at real places, given as (lat, lng, population), weighted by √population."""
    return [
        City(
            lat=lat,
            lng=lng,
            weight=math.sqrt(max(population, 1)),
            spread_km=rng.uniform(*SPREAD_KM),
        )
        for lat, lng, population in rows
    ]


def largest_share(cities):
    """The share of all points that gather around the largest city."""
    return CLUSTERED_SHARE * max(city.weight for city in cities) / sum(c.weight for c in cities)


def near(rng, lat, lng, spread_km):
    """A point a normally distributed distance (σ = ``spread_km``) from (lat, lng)."""
    lat = lat + rng.gauss(0.0, spread_km) / KM_PER_DEGREE
    lat = max(-89.9, min(89.9, lat))
    lng = lng + rng.gauss(0.0, spread_km) / (KM_PER_DEGREE * math.cos(math.radians(lat)))
    return lat, (lng + 180.0) % 360.0 - 180.0


def points(rng, cities, count):
    """``count`` points: most around cities picked by weight, the rest uniform over the land."""
    cumulative = list(accumulate(city.weight for city in cities))
    for city in rng.choices(cities, cum_weights=cumulative, k=count):
        if rng.random() < CLUSTERED_SHARE:
            yield near(rng, city.lat, city.lng, city.spread_km)
        else:
            yield rng.uniform(*LAND_LATITUDES), rng.uniform(-180.0, 180.0)


def search_points(rng, cities, count):
    """Where people search from: near cities picked by weight, as the hubs are."""
    cumulative = list(accumulate(city.weight for city in cities))
    return [
        near(rng, city.lat, city.lng, city.spread_km)
        for city in rng.choices(cities, cum_weights=cumulative, k=count)
    ]


def seeded(seed, name):
    """An independent random stream per purpose, so that changing one leaves the others alone."""
    return random.Random(f"{seed}:{name}")
