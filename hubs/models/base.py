"""What every located row shares: two coordinate columns with checks and an index, and slugs."""

from django.db import models
from django.utils.text import slugify


def unique_slug(model, text, *, max_length=80, exclude_pk=None):
    """A slug for ``text`` not yet used by ``model``: "name", then "name-2", "name-3"..."""
    base = slugify(text)[: max_length - 6].strip("-") or "item"
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


class Located(models.Model):
    """A point as two plain numeric columns, so no GIS library is needed."""

    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="%(app_label)s_%(class)s_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_longitude_range",
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="%(app_label)s_%(class)s_latlng"),
        ]

    @property
    def point(self):
        return (self.latitude, self.longitude)
