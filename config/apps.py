"""The admin site, with its modules registered explicitly instead of autodiscovered."""

from django.contrib.admin.apps import SimpleAdminConfig


class AdminConfig(SimpleAdminConfig):
    """Loads the admin modules the site uses.

    Django's default admin config imports every installed app's ``admin`` module, and
    django-leaflet's imports ``django.contrib.gis``, which stops start-up on a machine without
    GDAL. Listing our modules keeps the set-up free of GIS system libraries.
    """

    def ready(self):
        super().ready()
        import django_tasks_db.admin  # noqa: F401

        import accounts.admin  # noqa: F401
        import hubs.admin  # noqa: F401
        import hubs.admin_claims  # noqa: F401
        import hubs.admin_meetings  # noqa: F401
        import hubs.admin_organizing  # noqa: F401
        import hubs.admin_tasks  # noqa: F401
