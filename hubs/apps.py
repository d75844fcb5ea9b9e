from django.apps import AppConfig
from django.conf import settings


def _membership_saved(sender, instance, created, update_fields, **kwargs):
    """A join request, and any write to a membership that is not active and stays so, leaves
    cached pages alone (``Membership.written_publicly``): a request would otherwise empty
    every cache of the site."""
    from hubs.pagecache import bump_directory_version

    state_written = update_fields is None or "state" in update_fields
    if instance.written_publicly(existed=not created, state_written=state_written):
        bump_directory_version()
    if state_written:
        instance.state_read = instance.state


def _membership_deleted(sender, instance, **kwargs):
    from hubs.pagecache import bump_directory_version

    if instance.written_publicly(state_written=False):
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
            models.Hub,
            models.Business,
            models.Resource,
            models.Partner,
            models.Mention,
            models.Update,
            models.Interest,
            models.Meeting,  # Hub pages list them; cards say when the next one is.
            models.Place,
            models.PlaceName,
        ]
        for model in shown:
            post_save.connect(bump_directory_version, sender=model, dispatch_uid=f"page-{model}")
            post_delete.connect(bump_directory_version, sender=model, dispatch_uid=f"del-{model}")
        # A membership shows only while active: a join request changes nothing public.
        post_save.connect(_membership_saved, sender=models.Membership, dispatch_uid="page-member")
        post_delete.connect(
            _membership_deleted, sender=models.Membership, dispatch_uid="del-member"
        )
        # A deleted account takes its ownerships with it (a cascade sends no m2m signal): a
        # listing it ran is unclaimed from then on.
        post_delete.connect(
            bump_directory_version, sender=settings.AUTH_USER_MODEL, dispatch_uid="del-user"
        )
        for through in [
            models.Hub.secondary_industries.through,
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
