"""What the pages that change the directory share: refusing an action with a message, and
saving an uploaded image within the user's upload rate."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect

from hubs import services


def refused(request, error, to):
    messages.error(request, str(error))
    return redirect(to)


def upload_allowed(request, form, field):
    """Whether the form's image, if it has one, is within the user's upload rate; if not, the
    form says so and nothing is saved."""
    if not form.cleaned_data.get(field) or services.within_rate_limit(request, "upload"):
        return True
    form.add_error(field, "You have uploaded many images recently; please try again later.")
    return False


def save_image(instance, field, content):
    """Attach a cleaned image; the file is removed again if the database write fails, and the
    file it replaces once the write commits (until then the row still points to it)."""
    image = getattr(instance, field)
    replaced, storage = image.name, image.storage
    image.save(content.name, content, save=False)
    try:
        instance.save()
    except Exception:
        image.delete(save=False)
        raise
    if replaced:
        transaction.on_commit(lambda: storage.delete(replaced))
