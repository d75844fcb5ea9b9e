"""Cross-origin reads: the GeoJSON API and the open-data files may be read by any site's script.

A decorator rather than django-cors-headers: the site opens only a few read-only views to other
origins, and nothing else may send the header.
"""

from functools import wraps

from django.http import HttpResponse
from django.views.decorators.http import require_safe

READ_METHODS = ("GET", "HEAD")
PREFLIGHT_MAX_AGE = 24 * 3600


def open_to_any_origin(view):
    """Allow GET and HEAD only, answered with `Access-Control-Allow-Origin: *`, and answer a
    preflight OPTIONS for them. Other methods get a 405 that no other site's script may read.
    The responses never depend on cookies, so no credentials are allowed."""
    read_only = require_safe(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        else:
            response = read_only(request, *args, **kwargs)
            if request.method not in READ_METHODS:
                return response
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped
