"""The error page: a database that stopped answering is told apart from a bug."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER_SECONDS = 60


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except when the error is the database not answering (the primary
    restarting or failing over, a statement cut off), wherever it was raised: in a view, or in
    a middleware saving the session after it. Then a 503 with ``Retry-After`` says so, and that
    what was sent may not be saved (a transaction cut off is rolled back, one committed before
    stays), on a page that reads nothing from the database. A replica's failed read never gets
    here: the replica's routing answers it again from the primary first."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    response = HttpResponse(render_to_string("503_database.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
