"""Static files' addresses: the same as the storages' own, each worked out once."""

import json

from django.contrib.staticfiles.storage import StaticFilesStorage
from django.templatetags.static import static

from hubs.staticfiles import DevelopmentStorage, ManifestStorage


def test_development_storage_answers_as_django_does_and_asks_once(monkeypatch):
    storage = DevelopmentStorage(location="/nowhere", base_url="/static/")
    asked = []
    plain_url = StaticFilesStorage.url

    def counted(self, name):
        asked.append(name)
        return plain_url(self, name)

    monkeypatch.setattr(StaticFilesStorage, "url", counted)

    first = storage.url("js/map.js")
    again = storage.url("js/map.js")

    assert first == again == "/static/js/map.js"
    assert storage.url("css/a b.css") == "/static/css/a%20b.css"
    assert asked == ["js/map.js", "css/a b.css"]


def test_manifest_storage_gives_the_hashed_name_and_force_asks_again(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"version": "1.1", "hash": "x", "paths": {"css/site.css": "css/site.1a2b.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = ManifestStorage(location=str(tmp_path), base_url="/static/")

    assert storage.url("css/site.css") == "/static/css/site.1a2b.css"
    storage.hashed_files["css/site.css"] = "css/site.9f9f.css"
    assert storage.url("css/site.css") == "/static/css/site.1a2b.css"  # Remembered.
    assert storage.url("css/site.css", force=True) == "/static/css/site.9f9f.css"


def test_pages_use_the_remembering_storage():
    assert static("js/search.js") == "/static/js/search.js"
    from django.contrib.staticfiles.storage import staticfiles_storage

    assert isinstance(staticfiles_storage._wrapped, DevelopmentStorage)
