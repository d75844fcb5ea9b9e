"""Which writes change what anonymous visitors see: rows that public pages show only in some
states, and the rows that belong to one of them.

Every cache of public pages is keyed by one directory version (``hubs/pagecache.py``) that a
write bumps. A write nobody but its authors and the curators can see (a hub under review, a
suggested resource awaiting one, a join request, the news of a hub under review) leaves it
alone, so one organizer's edits do not empty every cache of the site."""

from typing import Any, ClassVar, Self

from django.db import models


class ShownWhen(models.Model):
    """A row that public pages show only while ``shown_field`` holds a value ``shows`` accepts
    (a hub once approved, a resource once reviewed, an active membership).

    The row remembers that field's value as it was read from the database (``shown_read``), so
    a write can tell whether it changes a public page: it does if the row was shown, is shown
    now, or its value before is not known (the row was never read, or read without it)."""

    shown_field: ClassVar[str]
    # The field's value when the row was read; None when not known.
    shown_read: Any = None

    class Meta:
        abstract = True

    @classmethod
    def shows(cls, value: Any) -> bool:
        """Whether public pages show a row whose ``shown_field`` holds ``value``."""
        raise NotImplementedError

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None) -> Self:
        row = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        row.shown_read = row.__dict__.get(cls.shown_field)
        return row

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or self.shown_field in fields:
            self.shown_read = self.__dict__.get(self.shown_field)

    def written_publicly(self, *, existed: bool = True, field_written: bool = True) -> bool:
        """Whether a write of the row changes what anyone may see on a public page:
        ``existed`` if the row was there before it, ``field_written`` if it stores the value
        ``shown_field`` has now (not for a delete, nor a save of other fields)."""
        was_shown = existed and (self.shown_read is None or self.shows(self.shown_read))
        return was_shown or (field_written and self.shows(getattr(self, self.shown_field)))

    def may_be_shown(self) -> bool:
        """Whether public pages may show the row: as its instance holds it, as it was read,
        or either is not known."""
        return self.written_publicly()


def shown_with(row: models.Model, name: str) -> bool:
    """Whether the ``ShownWhen`` row that ``row`` belongs to through the foreign key ``name``
    (a partner's hub or resource, a meeting's hub) is shown on public pages, so that ``row``
    may be too. Read with ``row`` and shown, it is (no query); otherwise its value is read
    from the database, since the instance may be older than a curator's decision. One that
    is gone counts as shown, to be safe."""
    field = row._meta.get_field(name)
    if field.is_cached(row) and getattr(row, name).may_be_shown():
        return True
    owner: type[ShownWhen] = field.related_model
    value = (
        owner._default_manager.filter(pk=getattr(row, field.attname))
        .values_list(owner.shown_field, flat=True)
        .first()
    )
    return value is None or owner.shows(value)


class ShownWithHub:
    """A row of a hub's own (a meeting, a press mention, a news update, a partner): public
    pages show it only while its hub is approved; a hub under review is seen by its organizers
    alone, on pages no cache keeps."""

    def shown_publicly(self) -> bool:
        return shown_with(self, "hub")
