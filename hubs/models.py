"""The directory's data: industries, regions, the gazetteer, hubs, businesses and resources."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords


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


class IndustryQuerySet(models.QuerySet):
    def search(self, text):
        """Industries whose code, title or synonyms contain ``text``, most general first."""
        text = text.strip()
        if not text:
            return self.none()
        if text.replace("-", "").isdigit():
            return self.filter(code__startswith=text).order_by("code")
        return self.filter(
            models.Q(title__icontains=text) | models.Q(synonyms__icontains=text)
        ).order_by(models.functions.Length("code"), "code")


class Industry(models.Model):
    """A code of the 2022 North American Industry Classification System (NAICS)."""

    code = models.CharField(max_length=6, unique=True)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    synonyms = models.CharField(
        max_length=500, blank=True, help_text="Plain words people search for, separated by ';'."
    )
    complements = models.ManyToManyField(
        "self",
        symmetrical=True,
        blank=True,
        help_text="Industries that supply, buy from or share skills with this one.",
    )

    objects = IndustryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "industries"

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("hubs:industry", args=[self.slug])

    @property
    def level(self):
        if "-" in self.code:
            return "Sector"
        return {2: "Sector", 3: "Subsector", 4: "Industry group", 5: "Industry"}.get(
            len(self.code), "National industry"
        )

    @property
    def synonym_list(self):
        return [s.strip() for s in self.synonyms.split(";") if s.strip()]

    @property
    def code_prefixes(self):
        """The code prefixes that this industry and its descendants share: 31-33 is 31, 32, 33."""
        if "-" in self.code:
            first, last = (int(part) for part in self.code.split("-"))
            return [str(n) for n in range(first, last + 1)]
        return [self.code]

    def lineage_q(self, field="industry"):
        """A filter matching rows whose ``field`` is this industry or one beneath it."""
        q = models.Q()
        for prefix in self.code_prefixes:
            q |= models.Q(**{f"{field}__code__startswith": prefix})
        return q


class Region(Located):
    """A country, a state or province, or a metro area or county, each with its centroid."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        STATE = "state", "State or province"
        METRO = "metro", "Metro area or county"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    kind = models.CharField(max_length=10, choices=Kind)
    code = models.CharField(max_length=10, blank=True, help_text="ISO country or state code.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta(Located.Meta):
        ordering = ["name"]
        constraints = [
            *Located.Meta.constraints,
            models.UniqueConstraint(Lower("name"), "parent", name="region_name_unique_in_parent"),
        ]

    def __str__(self):
        if self.kind == self.Kind.STATE and self.parent_id:
            return f"{self.name}, {self.parent.code or self.parent.name}"
        return self.name

    def get_absolute_url(self):
        return reverse("hubs:region", args=[self.slug])

    @property
    def country_code(self):
        """The ISO code of the region's country (its parents are read, so select them)."""
        region = self
        while region.parent_id and region.kind != self.Kind.COUNTRY:
            region = region.parent
        return region.code


class Place(Located):
    """An entry of the gazetteer: a city (GeoNames) or a US ZIP code."""

    class Kind(models.TextChoices):
        CITY = "city", "City"
        POSTCODE = "postcode", "Postcode"

    kind = models.CharField(max_length=10, choices=Kind)
    name = models.CharField(max_length=200)
    admin1 = models.CharField(max_length=20, blank=True, help_text="State or province code.")
    country = models.CharField(max_length=2)
    population = models.PositiveIntegerField(default=0)
    source_id = models.CharField(max_length=20, help_text="GeoNames id, or the ZIP code.")

    class Meta(Located.Meta):
        constraints = [
            *Located.Meta.constraints,
            models.UniqueConstraint(fields=["kind", "source_id"], name="place_unique_source"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """How people write the place: "Ogden, UT", "84401 Ogden, UT", "Stuttgart, Germany"."""
        from hubs.gazetteer import country_name

        if self.country == "US":
            prefix = f"{self.source_id} " if self.kind == self.Kind.POSTCODE else ""
            return f"{prefix}{self.name}, {self.admin1}"
        return f"{self.name}, {country_name(self.country)}"


class PlaceName(models.Model):
    """A folded name under which a place is found: its own name, a ZIP code or an exonym."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    # Folded by gazetteer.fold(): lower case, no accents or punctuation, "st" for "saint".
    key = models.CharField(max_length=200)
    is_primary = models.BooleanField(default=True)
    # Copied from the place so that one index serves the look-up and its ordering.
    population = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["key", "-is_primary", "-population"], name="placename_lookup"),
        ]

    def __str__(self):
        return self.key


class Stage(models.TextChoices):
    NASCENT = "nascent", "Nascent"
    EMERGING = "emerging", "Emerging"
    ESTABLISHED = "established", "Established"


def stage_for_members(count):
    """The stage a hub with ``count`` active members has reached, by the settings' thresholds."""
    if count >= settings.HUB_STAGE_ESTABLISHED_MEMBERS:
        return Stage.ESTABLISHED
    if count >= settings.HUB_STAGE_EMERGING_MEMBERS:
        return Stage.EMERGING
    return Stage.NASCENT


class HubQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Hub.Status.APPROVED)


class Hub(Located):
    """A city or region where businesses of one industry cluster."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="hubs")
    secondary_industries = models.ManyToManyField(
        Industry, blank=True, related_name="secondary_hubs"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="hubs")
    description = models.TextField(blank=True)
    mission = models.TextField(
        "mission statement", blank=True, help_text="What the hub's organization sets out to do."
    )
    website = models.URLField(blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)
    x_url = models.URLField("X (Twitter)", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    cover_image = models.ImageField(upload_to="hubs/covers/", blank=True)
    member_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Active member businesses."
    )
    stage = models.CharField(max_length=12, choices=Stage, default=Stage.NASCENT, editable=False)
    stage_override = models.CharField(
        max_length=12,
        choices=Stage,
        blank=True,
        help_text="Leave blank to follow the number of active members.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    status_reason = models.TextField(blank=True, help_text="Shown to the organizers.")
    is_demo = models.BooleanField(default=False, help_text="Generated demonstration data.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_hubs",
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an organizer last confirmed the listing."
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the organizers were last asked to confirm."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HubQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["member_count", "stage", "updated_at"])

    class Meta(Located.Meta):
        ordering = ["name"]
        constraints = [
            *Located.Meta.constraints,
            models.UniqueConstraint(
                Lower("name"),
                "industry",
                "region",
                name="hub_name_unique_per_industry_region",
                violation_error_message="A hub of this industry and region has this name already.",
            ),
        ]
        indexes = [
            *Located.Meta.indexes,
            models.Index(fields=["status", "stage"], name="hub_status_stage"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Hub, self.name)
        self.stage = self.stage_override or stage_for_members(self.member_count)
        if self.status == self.Status.APPROVED and self.approved_at is None:
            self.approved_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "approved_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("hubs:hub", args=[self.slug])

    def refresh_member_count(self):
        """Recount active members and store the count and the stage it gives."""
        count = self.memberships.filter(state=Membership.State.ACTIVE).count()
        if count == self.member_count and self.stage == (
            self.stage_override or stage_for_members(count)
        ):
            return
        self.member_count = count
        # member_count and stage are left out of the history: a recount is not an edit.
        self.skip_history_when_saving = True
        try:
            self.save(update_fields=["member_count", "stage", "updated_at"])
        finally:
            del self.skip_history_when_saving


class Business(Located):
    """A business listed by its owners; it may belong to hubs through memberships."""

    class Size(models.TextChoices):
        SOLO = "1", "Just me"
        MICRO = "2-9", "2-9 people"
        SMALL = "10-49", "10-49 people"
        MEDIUM = "50-249", "50-249 people"
        LARGE = "250+", "250 or more"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="businesses")
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="businesses")
    address = models.CharField(max_length=250, blank=True)
    city = models.CharField(max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="businesses")
    # The town's centre, shown instead of the exact point when the location is private.
    town_latitude = models.FloatField()
    town_longitude = models.FloatField()
    location_public = models.BooleanField(
        "show exact location",
        default=True,
        help_text="Off for a home-based business: only its town is shown.",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    logo = models.ImageField(upload_to="businesses/logos/", blank=True)
    size = models.CharField(max_length=8, choices=Size, blank=True)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Generated demonstration data.")
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an owner last confirmed the listing."
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the owners were last asked to confirm."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta(Located.Meta):
        ordering = ["name"]
        verbose_name_plural = "businesses"
        constraints = [
            *Located.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(town_latitude__gte=-90, town_latitude__lte=90)
                & models.Q(town_longitude__gte=-180, town_longitude__lte=180),
                name="hubs_business_town_range",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Business, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("hubs:business", args=[self.slug])

    @property
    def public_point(self):
        """The point anyone may see: exact, or only the town's centre for a private location."""
        if self.location_public:
            return (self.latitude, self.longitude)
        return (self.town_latitude, self.town_longitude)


class Connection(models.TextChoices):
    """The kinds of connection a member can bring to a hub."""

    PUBLIC_OFFICE = "public_office", "Public office"
    COMMUNITY = "community", "Community leaders"
    FINANCE = "finance", "Finance and investors"
    RESEARCH = "research", "Universities and research"
    MEDIA = "media", "Media and bloggers"
    TRADE = "trade", "Suppliers and customers"


class Membership(models.Model):
    """A business in a hub."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        ORGANIZER = "organizer", "Organizer"

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACTIVE = "active", "Active"
        LEFT = "left", "Left"

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="memberships")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role, default=Role.MEMBER)
    state = models.CharField(max_length=10, choices=State, default=State.REQUESTED)
    connections = models.JSONField(
        default=list, blank=True, help_text="Kinds of connection the member offers the hub."
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-role", "business__name"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "business"], name="membership_once_per_hub"),
        ]
        indexes = [models.Index(fields=["hub", "state"], name="membership_hub_state")]

    def __str__(self):
        return f"{self.business} in {self.hub}"

    @property
    def connection_labels(self):
        labels = dict(Connection.choices)
        return [labels[c] for c in self.connections if c in labels]


class Resource(Located):
    """A local organization that helps businesses: a chamber, an SBDC, an agency..."""

    class Kind(models.TextChoices):
        CHAMBER = "chamber", "Chamber of commerce"
        SBDC = "sbdc", "Small Business Development Center"
        SCORE = "score", "SCORE chapter"
        EDO = "edo", "Economic-development organization"
        GOVERNMENT = "government", "Government program"
        INCUBATOR = "incubator", "Incubator or accelerator"
        UNIVERSITY = "university", "University"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=210, unique=True)
    kind = models.CharField(max_length=12, choices=Kind)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="resources")
    city = models.CharField(max_length=120, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta(Located.Meta):
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Resource, self.name)
        super().save(*args, **kwargs)


class Partner(models.Model):
    """A local resource or agency that organizers record as engaged with their hub."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="partners")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="partners")
    note = models.CharField(max_length=300, blank=True, help_text="How they are involved.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource__name"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "resource"], name="partner_once_per_hub"),
        ]

    def __str__(self):
        return f"{self.resource} with {self.hub}"


class Mention(models.Model):
    """A press article or blog post about a hub, recorded by its organizers."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="mentions")
    title = models.CharField(max_length=200)
    url = models.URLField("link")
    published_on = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-created_at"]

    def __str__(self):
        return self.title


class Interest(models.Model):
    """An owner's "I'd join one": interest in a hub of an industry near their business."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="interests")
    industry = models.ForeignKey(Industry, on_delete=models.CASCADE, related_name="interests")
    created_at = models.DateTimeField(auto_now_add=True)
    invited_at = models.DateTimeField(
        null=True, blank=True, help_text="When enough neighbours agreed and this owner was told."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "industry"], name="interest_once_per_industry"
            ),
        ]

    def __str__(self):
        return f"{self.business} would join a {self.industry.title} hub"


class HubRedirect(models.Model):
    """The slug of a hub merged into another: its old URL leads to the survivor."""

    old_slug = models.SlugField(max_length=160, unique=True)
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.hub.slug}"


class BusinessRedirect(models.Model):
    """The slug of a business merged into another: its old URL leads to the survivor."""

    old_slug = models.SlugField(max_length=160, unique=True)
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.business.slug}"


class Flag(models.Model):
    """A signed-in user's report that a hub or a business is wrong, closed or spam."""

    class Reason(models.TextChoices):
        WRONG = "wrong", "Wrong or outdated information"
        CLOSED = "closed", "Closed or no longer active"
        SPAM = "spam", "Spam or not a real listing"
        STALE = "stale", "Not confirmed by its organizers"

    hub = models.ForeignKey(
        Hub, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=10, choices=Reason)
    note = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="flags"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_flags",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True, help_text="What the curator did, and why.")

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hub__isnull=False, business__isnull=True)
                | models.Q(hub__isnull=True, business__isnull=False),
                name="flag_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.hub or self.business}"

    @property
    def target(self):
        return self.hub or self.business


class Update(models.Model):
    """A short piece of news that organizers post on their hub's page."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(max_length=150)
    body = models.TextField(max_length=3000)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.hub.get_absolute_url()}#update-{self.pk}"
