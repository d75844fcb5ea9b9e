"""The site starts on a machine without the GDAL and GEOS libraries (no GIS is needed)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

WITHOUT_GIS_LIBRARIES = textwrap.dedent(
    """
    import ctypes.util
    import sys

    _find_library = ctypes.util.find_library

    def find_library(name):
        if "gdal" in name.lower() or "geos" in name.lower():
            return None
        return _find_library(name)

    ctypes.util.find_library = find_library

    import django

    django.setup()

    import config.urls  # noqa: F401
    from django.urls import resolve, reverse

    match = resolve(reverse("admin:index"))
    assert match.url_name == "index", match
    assert match.namespace == "admin", match
    for module in ("leaflet.admin", "django.contrib.gis.gdal", "django.contrib.gis.geos"):
        assert module not in sys.modules, module
    print("started")
    """
)


def test_site_starts_without_gdal_or_geos():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DJANGO_ENV", None)

    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_GIS_LIBRARIES],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "started\n"
