"""Pages about one person are never kept by a shared cache (a proxy or CDN in front)."""

from django.utils.cache import patch_cache_control

ACCOUNT_PREFIXES = ("/account/", "/accounts/")


class PrivateAccountPagesMiddleware:
    """Account pages (mine and allauth's), and any page for a signed-in person, are
    ``Cache-Control: private, no-cache``: they hold a name, an address or a CSRF token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if request.path.startswith(ACCOUNT_PREFIXES) or signed_in:
            patch_cache_control(response, private=True, no_cache=True)
        return response
