from django.urls import path

from hubs.views import owners, public

app_name = "hubs"

urlpatterns = [
    path("", public.home, name="home"),
    path("search/", public.search, name="search"),
    path("hubs/", public.hub_list, name="hub_list"),
    path("hubs.geojson", public.hubs_geojson, name="hubs_geojson"),
    path("hubs/<slug:slug>/", public.hub_detail, name="hub"),
    path("industries/", public.industry_list, name="industry_list"),
    path("industries/suggest.json", public.industry_suggestions, name="industry_suggestions"),
    path("industries/<slug:slug>/", public.industry_detail, name="industry"),
    path("regions/", public.region_list, name="region_list"),
    path("regions/<slug:slug>/", public.region_detail, name="region"),
    path("businesses/", public.business_list, name="business_list"),
    path("businesses/<slug:slug>/", public.business_detail, name="business"),
    path("about/", public.about, name="about"),
    path("list-your-business/", owners.business_create, name="business_create"),
    path("businesses/<slug:slug>/edit/", owners.business_edit, name="business_edit"),
    path("businesses/<slug:slug>/delete/", owners.business_delete, name="business_delete"),
    path("businesses/<slug:slug>/invite/", owners.business_invite, name="business_invite"),
    path("businesses/<slug:slug>/contact/", owners.contact_business, name="business_contact"),
    path("co-owner/<str:token>/", owners.invite_accept, name="invite_accept"),
    path("start-a-hub/", owners.hub_create, name="hub_create"),
    path("hubs/<slug:slug>/join/", owners.hub_join, name="hub_join"),
    path("hubs/<slug:slug>/manage/", owners.hub_manage, name="hub_manage"),
    path("hubs/<slug:slug>/contact/", owners.contact_hub, name="hub_contact"),
    path("hubs/<slug:slug>/partners/", owners.partner_add, name="partner_add"),
    path("hubs/<slug:slug>/mentions/", owners.mention_add, name="mention_add"),
    path("memberships/<int:pk>/decide/", owners.membership_decide, name="membership_decide"),
    path("memberships/<int:pk>/role/", owners.membership_role, name="membership_role"),
    path("memberships/<int:pk>/leave/", owners.membership_leave, name="membership_leave"),
    path("interest/", owners.interest_add, name="interest_add"),
    path("hubs/<slug:slug>/flag/", owners.flag_hub, name="hub_flag"),
    path("businesses/<slug:slug>/flag/", owners.flag_business, name="business_flag"),
    path("confirm/<str:token>/", owners.confirm_listing, name="confirm_listing"),
    path("favicon.ico", public.favicon),
]
