from django.apps import AppConfig
from django.conf import settings


def _shown_row_saved(sender, instance, created, update_fields, **kwargs):
    """A write that public pages cannot see (``hubs/models/visibility.py``: a join request, an
    edit of a hub under review, a suggested resource) leaves every cache alone; the first
    write that shows a row, or the last that showed it, bumps at once."""
    from hubs.pagecache import bump_directory_version

    field_written = update_fields is None or instance.shown_field in update_fields
    if instance.written_publicly(existed=not created, field_written=field_written):
        bump_directory_version()
    if field_written:
        instance.shown_read = getattr(instance, instance.shown_field)


def _shown_row_deleted(sender, instance, **kwargs):
    from hubs.pagecache import bump_directory_version

    if instance.written_publicly(field_written=False):
        bump_directory_version()


def _hub_row_written(sender, instance, **kwargs):
    """A meeting, mention, update or partner of a hub under review shows on no public page."""
    from hubs.pagecache import bump_directory_version

    if instance.shown_publicly():
        bump_directory_version()


def _secondary_industries_changed(sender, instance, **kwargs):
    """A hub's other industries, set from the hub (its edit form): public only if it is."""
    from hubs.models import Hub
    from hubs.pagecache import bump_directory_version

    if not isinstance(instance, Hub) or instance.may_be_shown():
        bump_directory_version()


class HubsConfig(AppConfig):
    name = "hubs"
    verbose_name = "Directory"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from hubs.curation import curators_group_sync

        # After every migrate (Django's own permissions receiver runs first: it is connected by
        # django.contrib.auth, earlier in INSTALLED_APPS).
        post_migrate.connect(curators_group_sync, sender=self, dispatch_uid="curators-group")

        # Cached public pages, and remembered look-ups of typed places (hubs/lookups.py), go
        # stale whenever a row they may show or read changes.

        from hubs import models
        from hubs.pagecache import bump_directory_version

        shown = [
            models.Industry,
            models.Region,
            models.Business,
            models.Interest,
            models.Place,
            models.PlaceName,
        ]
        for model in shown:
            post_save.connect(bump_directory_version, sender=model, dispatch_uid=f"page-{model}")
            post_delete.connect(bump_directory_version, sender=model, dispatch_uid=f"del-{model}")
        # Rows shown only in some states (hubs/models/visibility.py): a write nobody else can
        # see yet, such as a join request or an edit of a hub under review, changes nothing.
        for model in [models.Hub, models.Resource, models.Membership]:
            post_save.connect(_shown_row_saved, sender=model, dispatch_uid=f"page-{model}")
            post_delete.connect(_shown_row_deleted, sender=model, dispatch_uid=f"del-{model}")
        # A hub's own rows, shown while their hub is (meetings: hub pages list them, cards say
        # when the next one is).
        for model in [models.Meeting, models.Mention, models.Update, models.Partner]:
            for signal in (post_save, post_delete):
                signal.connect(_hub_row_written, sender=model, dispatch_uid=f"{signal}-{model}")
        # A deleted account takes its ownerships with it (a cascade sends no m2m signal): a
        # listing it ran is unclaimed from then on.
        post_delete.connect(
            bump_directory_version, sender=settings.AUTH_USER_MODEL, dispatch_uid="del-user"
        )
        m2m_changed.connect(
            _secondary_industries_changed,
            sender=models.Hub.secondary_industries.through,
            dispatch_uid="m2m-hub-industries",
        )
        for through in [
            models.Business.owners.through,
            models.Industry.complements.through,  # Search pages list complementary hubs.
        ]:
            m2m_changed.connect(
                bump_directory_version, sender=through, dispatch_uid=f"m2m-{through}"
            )
        # The industry matcher's in-process index is rebuilt when its words change.
        from hubs import vocabulary

        for model in [models.Industry, models.IndexEntry]:
            for signal in (post_save, post_delete):
                signal.connect(
                    vocabulary.bump_version, sender=model, dispatch_uid=f"words-{signal}-{model}"
                )
