"""Plain factory functions: each makes one valid row, and keyword arguments override any field.

The defaults put rows in the South Pacific, far from every demo hub and gazetteer city, so a
test that places its own rows elsewhere can count on them being the only ones there.
"""

import functools
import itertools

from django.contrib.auth.hashers import make_password

from accounts.models import User
from hubs.models import Business, Hub, Industry, Membership, Region, Resource

_sequence = itertools.count(1)
# Industry codes have six characters: their own counter, wrapped, never outgrows "99" + 4 digits
# however many rows the whole session makes (each test's rows are rolled back).
_industry_sequence = itertools.count(1)

# Open ocean, about 2,000 km from the nearest demo row.
FAR_AWAY = (-45.0, -140.0)


def make_industry(**overrides):
    """An industry with a code starting with 99, which NAICS does not use."""
    n = next(_industry_sequence) % 10_000
    values = {"code": f"99{n:04d}", "title": f"Test Industry {n}", "slug": f"test-industry-{n}"}
    values.update(overrides)
    return Industry.objects.create(**values)


def make_region(**overrides):
    n = next(_sequence)
    values = {
        "name": f"Test Region {n}",
        "slug": f"test-region-{n}",
        "kind": Region.Kind.METRO,
        "latitude": FAR_AWAY[0],
        "longitude": FAR_AWAY[1],
    }
    values.update(overrides)
    return Region.objects.create(**values)


def make_hub(**overrides):
    """An approved hub: the state most tests need, since only approved hubs are public."""
    n = next(_sequence)
    values = {
        "name": f"Test Hub {n}",
        "status": Hub.Status.APPROVED,
        "latitude": FAR_AWAY[0],
        "longitude": FAR_AWAY[1],
    }
    values.update(overrides)
    if "industry" not in values:
        values["industry"] = make_industry()
    if "region" not in values:
        values["region"] = make_region()
    return Hub.objects.create(**values)


def make_online_hub(*, covering=(), worldwide=False, **overrides):
    """An approved online hub without a home base unless given one, covering ``covering``
    (regions) or the world."""
    values = {"mode": Hub.Mode.ONLINE, "latitude": None, "longitude": None, "region": None}
    values.update(overrides)
    hub = make_hub(covers_worldwide=worldwide, **values)
    hub.covered_regions.set(covering)
    return hub


def make_business(**overrides):
    n = next(_sequence)
    values = {"name": f"Test Business {n}", "city": "Testville"}
    values.update(overrides)
    values.setdefault("latitude", FAR_AWAY[0])
    values.setdefault("longitude", FAR_AWAY[1])
    values.setdefault("town_latitude", values["latitude"])
    values.setdefault("town_longitude", values["longitude"])
    if "industry" not in values:
        values["industry"] = make_industry()
    if "region" not in values:
        values["region"] = make_region()
    return Business.objects.create(**values)


def make_membership(**overrides):
    """An active membership; the hub's member count is not refreshed (call refresh_member_count)."""
    values = {"role": Membership.Role.MEMBER, "state": Membership.State.ACTIVE}
    values.update(overrides)
    if "hub" not in values:
        values["hub"] = make_hub()
    if "business" not in values:
        values["business"] = make_business(industry=values["hub"].industry)
    return Membership.objects.create(**values)


def make_resource(**overrides):
    n = next(_sequence)
    values = {
        "name": f"Test Resource {n}",
        "kind": Resource.Kind.CHAMBER,
        "city": "Testville",
        "latitude": FAR_AWAY[0],
        "longitude": FAR_AWAY[1],
    }
    values.update(overrides)
    if "region" not in values:
        values["region"] = make_region()
    return Resource.objects.create(**values)


DEFAULT_PASSWORD = "correct horse"


@functools.cache
def _default_password_hash():
    # Argon2 is slow on purpose; hashing the shared test password once keeps users cheap.
    return make_password(DEFAULT_PASSWORD)


def make_user(**overrides):
    """A user who can log in with DEFAULT_PASSWORD unless ``password`` is given."""
    n = next(_sequence)
    values = {"username": f"user{n}", "email": f"user{n}@example.org"}
    values.update(overrides)
    if "password" in values:
        return User.objects.create_user(**values)
    user = User.objects.create_user(**values, password=None)
    user.password = _default_password_hash()
    user.save(update_fields=["password"])
    return user
