"""Settings for the benchmark: the site's own settings on a throwaway database, DEBUG off."""

import os
import warnings

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import settings as site
from config.settings import *  # noqa: F403

if not os.environ.get("BENCH_DATABASE_URL"):
    raise ImproperlyConfigured("BENCH_DATABASE_URL must name the benchmark's database.")

DEBUG = False
ALLOWED_HOSTS = [*site.ALLOWED_HOSTS, "127.0.0.1", "testserver"]
ROOT_URLCONF = "bench.urls"
# Persistent connections, as in production: a new connection per request is not what is measured.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["BENCH_DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    )
}
LOGGING = {**site.LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
# No static files are requested, so collectstatic isn't run: silence WhiteNoise's note about it.
warnings.filterwarnings("ignore", message="No directory at: ")
