from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from accounts.views import admin_login
from hubs.sitemaps import SITEMAPS

admin.site.site_header = "Industry Hubs curators"
admin.site.site_title = "Industry Hubs admin"
admin.site.login = admin_login

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("", include("hubs.urls")),
]
if settings.SERVE_MEDIA:
    # Uploaded logos and covers: re-encoded images under random names (hubs.images), so
    # Django's static view (which refuses paths outside MEDIA_ROOT) serves them safely.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# A database that stops answering mid-request answers 503, not 500 (hubs/views/errors.py).
handler500 = "hubs.views.errors.server_error"
