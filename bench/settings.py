"""Settings for the benchmark: the site's own settings on a throwaway database, DEBUG off."""

import os
import warnings

from django.core.exceptions import ImproperlyConfigured

from config import settings as site
from config.settings import *  # noqa: F403

if not os.environ.get("BENCH_DATABASE_URL"):
    raise ImproperlyConfigured("BENCH_DATABASE_URL must name the benchmark's database.")

DEBUG = False
ALLOWED_HOSTS = [*site.ALLOWED_HOSTS, "127.0.0.1", "testserver"]
ROOT_URLCONF = "bench.urls"
# The site's database options (parameters bound on the server, statements prepared), with
# persistent connections as in production: a new connection per request is not what is measured.
DATABASES = {
    "default": {**site._database(os.environ["BENCH_DATABASE_URL"], pool=False), "CONN_MAX_AGE": 60}
}
LOGGING = {**site.LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
# No static files are requested, so collectstatic isn't run: silence WhiteNoise's note about it.
warnings.filterwarnings("ignore", message="No directory at: ")
