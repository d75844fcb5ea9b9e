"""The curators' interface: moderation, flags, duplicates and merges, imports and exports,
history, and a map beside every pair of coordinates."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Case, Count, Q, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from hubs import curation, vocabulary
from hubs.admin_imports import CsvImportAdmin
from hubs.coverage_forms import HubAdminForm
from hubs.importers import BusinessResource, HubResource, ResourceResource
from hubs.models import (
    Business,
    BusinessRedirect,
    Claim,
    Flag,
    Hub,
    HubRedirect,
    IndexEntry,
    Industry,
    Interest,
    Membership,
    Mention,
    Partner,
    Place,
    Region,
    Resource,
    UnmatchedIndustryText,
    Update,
)


class MapWidget(forms.NumberInput):
    """The longitude input, followed by a map that places and drags the point."""

    template_name = "admin/hubs/map_widget.html"

    class Media:
        css = {"all": ["leaflet/leaflet.css"]}
        js = ["leaflet/leaflet.js", "js/admin_map.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["tiles"] = settings.MAP_TILES_URL
        context["attribution"] = settings.MAP_TILES_ATTRIBUTION
        return context


class LocatedAdmin(admin.ModelAdmin):
    """Shared by everything with coordinates: the map, and a link to the public page."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "longitude":
            kwargs["widget"] = MapWidget(attrs={"step": "any"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Public page")
    def public_link(self, obj):
        return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())

    @admin.display(description="Industry", ordering="industry__code")
    def industry_code(self, obj):
        return format_html('<abbr title="{}">{}</abbr>', obj.industry.title, obj.industry.code)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason, sent to the organizers",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        label="What was done, and why",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )


def _confirm_page(modeladmin, request, queryset, *, action, title, form=None, extra=None):
    """The intermediate page that every bulk action shows before it acts."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "objects": queryset,
        "action": action,
        "form": form,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        **(extra or {}),
    }
    return TemplateResponse(request, "admin/hubs/confirm_action.html", context)


@admin.register(Hub)
class HubAdmin(LocatedAdmin, CsvImportAdmin, SimpleHistoryAdmin):
    resource_classes = [HubResource]
    form = HubAdminForm
    list_display = [
        "name",
        "industry_code",
        "region",
        "stage",
        "member_count",
        "status",
        "confirmed_at",
        "public_link",
    ]
    list_filter = [
        "status",
        "stage",
        "mode",
        ("industry", admin.RelatedOnlyFieldListFilter),
        ("region", admin.RelatedOnlyFieldListFilter),
        "is_demo",
    ]
    list_select_related = ["industry", "region", "region__parent"]
    search_fields = ["name", "description", "industry__title", "industry__code", "region__name"]
    autocomplete_fields = [
        "industry",
        "secondary_industries",
        "region",
        "covered_regions",
        "created_by",
    ]
    readonly_fields = ["stage", "member_count", "created_at", "updated_at", "confirmed_at"]
    actions = ["approve_hubs", "reject_hubs", "merge_hubs"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "industry", "secondary_industries", "region"]}),
        (
            "Where it meets",
            {"fields": ["mode", "latitude", "longitude", "covers_worldwide", "covered_regions"]},
        ),
        (
            "About",
            {
                "fields": [
                    "description",
                    "mission",
                    "founded_year",
                    "cover_image",
                    "website",
                    "linkedin_url",
                    "x_url",
                    "facebook_url",
                ]
            },
        ),
        ("Stage", {"fields": ["member_count", "stage", "stage_override"]}),
        ("Moderation", {"fields": ["status", "status_reason", "is_demo", "created_by"]}),
        ("History", {"fields": ["created_at", "updated_at", "confirmed_at"]}),
    ]
    prepopulated_fields = {"slug": ["name"]}

    def get_inlines(self, request, obj):
        return [MembershipInline] if obj else []

    def get_urls(self):
        return [
            path(
                "moderation/",
                self.admin_site.admin_view(self.moderation_view),
                name="hubs_moderation",
            ),
            path(
                "duplicates/",
                self.admin_site.admin_view(self.duplicates_view),
                name="hubs_hub_duplicates",
            ),
            *super().get_urls(),
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_member_count()

    @admin.action(description="Approve the selected hubs", permissions=["change"])
    def approve_hubs(self, request, queryset):
        if "confirm" not in request.POST:
            return _confirm_page(self, request, queryset, action="approve_hubs", title="Approve")
        curation.approve_hubs(list(queryset))
        self.message_user(request, f"Approved {queryset.count()} hubs; organizers were told.")
        return None

    @admin.action(description="Reject the selected hubs (with a reason)", permissions=["change"])
    def reject_hubs(self, request, queryset):
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            return _confirm_page(
                self, request, queryset, action="reject_hubs", title="Reject", form=form
            )
        curation.reject_hubs(list(queryset), reason=form.cleaned_data["reason"])
        self.message_user(request, f"Rejected {queryset.count()} hubs; organizers were told why.")
        return None

    @admin.action(description="Merge two selected hubs", permissions=["change", "delete"])
    def merge_hubs(self, request, queryset):
        return _merge(self, request, queryset, curation.merge_hubs, "merge_hubs")

    def moderation_view(self, request):
        pending = list(Hub.objects.pending().select_related("industry", "region", "created_by"))
        near = curation.approved_hubs_near(pending)
        for hub in pending:
            hub.approved_nearby = near[hub.pk]
        context = {
            **self.admin_site.each_context(request),
            "title": "Moderation queue",
            "opts": self.model._meta,
            "pending": pending,
            "flags": Flag.objects.filter(resolved_at__isnull=True).select_related(
                "hub", "business", "created_by", "duplicate_of"
            ),
            "suggested_resources": Resource.objects.awaiting_review().select_related(
                "suggested_by", "region"
            ),
            "claims": Claim.objects.pending().select_related(
                "claimant", "hub", "business", "organizing_business"
            ),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/hubs/moderation.html", context)

    def duplicates_view(self, request):
        return _duplicates_page(self, request, curation.duplicate_hubs(), "merge_hubs")


# What the merge page compares side by side, for each kind of row.
MERGE_FIELDS = {
    "hub": [
        "name",
        "industry",
        "region",
        "status",
        "stage",
        "member_count",
        "website",
        "founded_year",
        "description",
        "created_at",
    ],
    "business": [
        "name",
        "industry",
        "city",
        "address",
        "website",
        "size",
        "founded_year",
        "location_public",
        "description",
        "created_at",
    ],
}


def _shown(row, field):
    """A field's value as a curator reads it: choices by label, dates as dates, "—" for none."""
    value = getattr(row, field.name)
    if field.choices:
        value = getattr(row, f"get_{field.name}_display")()
    elif isinstance(value, bool):
        value = "yes" if value else "no"
    elif hasattr(value, "strftime"):
        value = value.strftime("%Y-%m-%d %H:%M")
    return "—" if value in (None, "") else str(value)


def _merge_comparison(rows):
    """(label, values, whether they differ) for each compared field of the two rows."""
    meta = rows[0]._meta
    lines = []
    for name in MERGE_FIELDS[meta.model_name]:
        field = meta.get_field(name)
        values = [_shown(row, field) for row in rows]
        lines.append((capfirst(field.verbose_name), values, values[0] != values[1]))
    return lines


def _merge(modeladmin, request, queryset, merge, action):
    """Merge two selected rows, after a page where the curator picks the one that stays."""
    rows = list(queryset.order_by("created_at"))
    if len(rows) != 2:
        modeladmin.message_user(request, "Select exactly two to merge.", messages.ERROR)
        return None
    survivor_pk = request.POST.get("survivor")
    if "confirm" not in request.POST or survivor_pk not in {str(r.pk) for r in rows}:
        return _confirm_page(
            modeladmin,
            request,
            queryset,
            action=action,
            title="Merge",
            extra={"merge": rows, "comparison": _merge_comparison(rows)},
        )
    survivor = next(r for r in rows if str(r.pk) == survivor_pk)
    duplicate = next(r for r in rows if r.pk != survivor.pk)
    merged = merge(survivor=survivor, duplicate=duplicate)
    modeladmin.message_user(request, f"Merged {duplicate.name} into {merged.name}.")
    return HttpResponseRedirect(
        reverse(f"admin:hubs_{modeladmin.model._meta.model_name}_change", args=[merged.pk])
    )


def _duplicates_page(modeladmin, request, pairs, action):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Likely duplicate {modeladmin.model._meta.verbose_name_plural}",
        "opts": modeladmin.model._meta,
        "pairs": pairs,
        "action": action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/hubs/duplicates.html", context)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["business"]
    fields = ["business", "role", "state", "connections", "joined_at", "left_at"]


@admin.register(Business)
class BusinessAdmin(LocatedAdmin, CsvImportAdmin, SimpleHistoryAdmin):
    resource_classes = [BusinessResource]
    list_display = ["name", "industry_code", "city", "region", "size", "is_demo", "public_link"]
    list_filter = [
        ("industry", admin.RelatedOnlyFieldListFilter),
        ("region", admin.RelatedOnlyFieldListFilter),
        "size",
        "location_public",
        "is_demo",
    ]
    list_select_related = ["industry", "region", "region__parent"]
    search_fields = ["name", "city", "industry__title", "industry__code"]
    autocomplete_fields = ["industry", "region", "owners"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at", "confirmed_at"]
    actions = ["merge_businesses"]

    def get_urls(self):
        return [
            path(
                "duplicates/",
                self.admin_site.admin_view(self.duplicates_view),
                name="hubs_business_duplicates",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Merge two selected businesses", permissions=["change", "delete"])
    def merge_businesses(self, request, queryset):
        return _merge(self, request, queryset, curation.merge_businesses, "merge_businesses")

    def duplicates_view(self, request):
        return _duplicates_page(self, request, curation.duplicate_businesses(), "merge_businesses")


@admin.register(Resource)
class ResourceAdmin(LocatedAdmin, CsvImportAdmin, SimpleHistoryAdmin):
    resource_classes = [ResourceResource]
    list_display = ["name", "kind", "city", "region", "website", "pending_review"]
    list_filter = ["pending_review", "kind", ("region", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["region", "region__parent"]
    search_fields = ["name", "city", "region__name"]
    autocomplete_fields = ["region", "suggested_by"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["approve_resources"]

    @admin.action(description="Approve the selected suggested partners", permissions=["change"])
    def approve_resources(self, request, queryset):
        if "confirm" not in request.POST:
            return _confirm_page(
                self, request, queryset, action="approve_resources", title="Approve"
            )
        count = curation.approve_resources(queryset)
        self.message_user(request, f"Approved {count} resources; they now show on public pages.")
        return None

    def public_link(self, obj):
        return format_html('<a href="{}">Web site</a>', obj.website) if obj.website else "—"


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["business", "hub", "role", "state", "requested_at", "joined_at"]
    list_filter = ["role", "state"]
    list_select_related = ["business", "hub"]
    search_fields = ["business__name", "hub__name"]
    autocomplete_fields = ["business", "hub"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.hub.refresh_member_count()


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "created_by", "created_at", "resolved_at", "resolved_by"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["hub", "business", "created_by", "resolved_by"]
    search_fields = ["hub__name", "business__name", "note"]
    autocomplete_fields = ["hub", "business"]
    readonly_fields = ["created_by", "created_at", "resolved_by", "resolved_at"]
    actions = ["resolve_flags"]

    @admin.action(description="Resolve the selected flags (with a note)", permissions=["change"])
    def resolve_flags(self, request, queryset):
        form = ResolutionForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            return _confirm_page(
                self, request, queryset, action="resolve_flags", title="Resolve", form=form
            )
        curation.resolve_flags(
            list(queryset), curator=request.user, resolution=form.cleaned_data["resolution"]
        )
        self.message_user(request, f"Resolved {queryset.count()} flags.")
        return None


class IndexEntryInline(admin.TabularInline):
    """The Census index entries of an industry, which the matcher reads with its synonyms."""

    model = IndexEntry
    extra = 0


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "parent", "synonyms", "hub_count"]
    search_fields = ["code", "title", "synonyms"]
    search_help_text = "A code, a title or the words owners use: the site's own matcher."
    autocomplete_fields = ["parent", "complements"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [IndexEntryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(hub_count=Count("hubs", distinct=True))

    def get_search_results(self, request, queryset, search_term):
        """The matcher's industries, best first, then plain text matches (and the admin's
        autocomplete of industries on hubs and businesses goes through here too)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return found, may_have_duplicates
        matched = [c.industry.pk for c in vocabulary.match(search_term, limit=20).candidates]
        rank = Case(*[When(pk=pk, then=n) for n, pk in enumerate(matched)], default=len(matched))
        either = queryset.filter(Q(pk__in=matched) | Q(pk__in=found.values("pk")))
        return either.annotate(match_rank=rank).order_by("match_rank", "code"), False

    @admin.display(description="Hubs", ordering="hub_count")
    def hub_count(self, obj):
        return obj.hub_count


@admin.register(IndexEntry)
class IndexEntryAdmin(admin.ModelAdmin):
    """The Census index entries the matcher reads; curators correct or add entries here."""

    list_display = ["text", "industry"]
    list_select_related = ["industry"]
    search_fields = ["text", "industry__code", "industry__title"]
    autocomplete_fields = ["industry"]


@admin.register(UnmatchedIndustryText)
class UnmatchedIndustryTextAdmin(admin.ModelAdmin):
    """Words visitors typed as an industry that matched nothing: add them as synonyms."""

    list_display = ["text", "count", "first_seen", "last_seen"]
    search_fields = ["text"]
    readonly_fields = ["text", "count", "first_seen", "last_seen"]

    def has_add_permission(self, request):
        return False


@admin.register(Region)
class RegionAdmin(LocatedAdmin):
    list_display = ["name", "kind", "code", "parent", "latitude", "longitude", "public_link"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "admin1", "country", "population", "latitude", "longitude"]
    list_filter = ["kind"]
    search_fields = ["name", "=source_id"]
    show_full_result_count = False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["resource", "hub", "note", "added_by", "created_at"]
    list_select_related = ["resource", "hub", "added_by"]
    search_fields = ["resource__name", "hub__name"]
    autocomplete_fields = ["hub", "resource"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["title", "hub", "published_on", "added_by"]
    list_select_related = ["hub", "added_by"]
    search_fields = ["title", "hub__name"]
    autocomplete_fields = ["hub"]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["business", "industry", "created_at", "invited_at"]
    list_select_related = ["business", "industry"]
    list_filter = [("invited_at", admin.EmptyFieldListFilter)]
    search_fields = ["business__name", "industry__title"]
    autocomplete_fields = ["business", "industry"]


@admin.register(HubRedirect)
class HubRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "hub", "created_at"]
    search_fields = ["old_slug", "hub__name"]
    autocomplete_fields = ["hub"]


@admin.register(BusinessRedirect)
class BusinessRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "business", "created_at"]
    search_fields = ["old_slug", "business__name"]
    autocomplete_fields = ["business"]


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    """Hub news: curators take abuse down here."""

    list_display = ["title", "hub", "posted_by", "created_at"]
    list_select_related = ["hub", "posted_by"]
    search_fields = ["title", "body", "hub__name"]
    autocomplete_fields = ["hub"]
    raw_id_fields = ["posted_by"]
