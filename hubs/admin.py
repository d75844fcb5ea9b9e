"""The curators' interface to the directory."""

from django.contrib import admin
from django.utils.html import format_html

from hubs.models import Business, Hub, Industry, Membership, Place, Region, Resource


class PublicLinkMixin:
    @admin.display(description="Public page")
    def public_link(self, obj):
        return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())

    @admin.display(description="Industry", ordering="industry__code")
    def industry_code(self, obj):
        return format_html('<abbr title="{}">{}</abbr>', obj.industry.title, obj.industry.code)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "parent", "synonyms"]
    search_fields = ["code", "title", "synonyms"]
    autocomplete_fields = ["parent", "complements"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "parent", "latitude", "longitude"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "admin1", "country", "population", "latitude", "longitude"]
    list_filter = ["kind"]
    search_fields = ["name", "=source_id"]
    show_full_result_count = False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["business"]
    fields = ["business", "role", "state", "connections", "joined_at", "left_at"]


@admin.register(Hub)
class HubAdmin(PublicLinkMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "industry_code",
        "region",
        "stage",
        "member_count",
        "status",
        "is_demo",
        "public_link",
    ]
    list_filter = [
        "status",
        "stage",
        ("industry", admin.RelatedOnlyFieldListFilter),
        ("region", admin.RelatedOnlyFieldListFilter),
        "is_demo",
    ]
    list_select_related = ["industry", "region", "region__parent"]
    search_fields = ["name", "description", "industry__title", "region__name"]
    autocomplete_fields = ["industry", "secondary_industries", "region", "created_by"]
    readonly_fields = ["stage", "member_count", "created_at", "updated_at"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "industry", "secondary_industries", "region"]}),
        ("Location", {"fields": ["latitude", "longitude"]}),
        (
            "About",
            {
                "fields": [
                    "description",
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
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]
    prepopulated_fields = {"slug": ["name"]}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_member_count()


@admin.register(Business)
class BusinessAdmin(PublicLinkMixin, admin.ModelAdmin):
    list_display = ["name", "industry_code", "city", "region", "size", "is_demo", "public_link"]
    list_filter = [
        ("industry", admin.RelatedOnlyFieldListFilter),
        ("region", admin.RelatedOnlyFieldListFilter),
        "size",
        "location_public",
        "is_demo",
    ]
    list_select_related = ["industry", "region", "region__parent"]
    search_fields = ["name", "city", "industry__title"]
    autocomplete_fields = ["industry", "region", "owners"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["business", "hub", "role", "state", "requested_at", "joined_at"]
    list_filter = ["role", "state"]
    list_select_related = ["business", "hub"]
    search_fields = ["business__name", "hub__name"]
    autocomplete_fields = ["business", "hub"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.hub.refresh_member_count()


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "region", "website"]
    list_filter = ["kind", ("region", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["region", "region__parent"]
    search_fields = ["name", "city", "region__name"]
    autocomplete_fields = ["region"]
    prepopulated_fields = {"slug": ["name"]}
