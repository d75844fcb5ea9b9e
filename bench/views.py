"""The benchmark's baseline page: the site's layout with nothing to look up."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def minimal(request):
    return render(request, "base.html", {})
