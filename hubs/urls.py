from django.urls import path

from hubs import views

app_name = "hubs"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("hubs/", views.hub_list, name="hub_list"),
    path("hubs.geojson", views.hubs_geojson, name="hubs_geojson"),
    path("hubs/<slug:slug>/", views.hub_detail, name="hub"),
    path("industries/", views.industry_list, name="industry_list"),
    path("industries/suggest.json", views.industry_suggestions, name="industry_suggestions"),
    path("industries/<slug:slug>/", views.industry_detail, name="industry"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/<slug:slug>/", views.region_detail, name="region"),
    path("businesses/", views.business_list, name="business_list"),
    path("businesses/<slug:slug>/", views.business_detail, name="business"),
    path("about/", views.about, name="about"),
    path("favicon.ico", views.favicon),
]
