"""Static files' storage that remembers each file's address.

A page names up to a dozen static files (`{% static %}`), and the storage works each address
out again every time: the manifest's hashed name, then joining and quoting the URL. Neither the
manifest nor STATIC_URL changes while a process runs (a setting changed in tests makes a new
storage), so each address is worked out once.
"""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class RememberedURLs:
    """Keeps what ``url(name)`` answered, per name (any other argument, such as the manifest
    storage's ``force``, asks the storage again)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, **options):
        if options:
            return super().url(name, **options)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url


class ManifestStorage(RememberedURLs, CompressedManifestStaticFilesStorage):
    """Production: WhiteNoise's compressed files with hashed names."""


class DevelopmentStorage(RememberedURLs, StaticFilesStorage):
    """Development and tests: the files as they are."""
