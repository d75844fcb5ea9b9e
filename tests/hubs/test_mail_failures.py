"""Mail that the mail server does not take never fails the action: the data is saved with its
email in the outbox, the page says the email will follow (never that it was sent), and the
message goes out once when the server answers again. Names and subjects that reach email
headers hold no line break."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hubs import mailing
from hubs.models import Business, Membership, OutgoingMail
from tests.factories import make_business, make_hub, make_membership, make_user

pytestmark = pytest.mark.django_db

DELAYED = (
    "Our mail server did not answer just now. Everything you did is saved, "
    "and we will send the email as soon as it answers."
)
LINE_BREAKS = ["\r\n", "\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


@pytest.fixture
def mail_server_down(monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    # Outside a test's wrapping transaction, on_commit runs as the request's write commits.
    monkeypatch.setattr("hubs.mailing.transaction.on_commit", lambda callback: callback())


@pytest.fixture
def owner_client(client):
    client.owner = make_user(email="owner@example.org")
    client.force_login(client.owner)
    return client


def _organized_hub():
    hub = make_hub()
    business = make_business(industry=hub.industry)
    business.owners.add(make_user(email="organizer@example.org"))
    make_membership(hub=hub, business=business, role=Membership.Role.ORGANIZER)
    return hub


def test_join_request_is_saved_and_its_email_kept_for_retry_when_mail_fails(
    owner_client, mail_server_down
):
    hub = _organized_hub()
    business = make_business(name="Joiner Co")
    business.owners.add(owner_client.owner)

    response = owner_client.post(
        reverse("hubs:hub_join", args=[hub.slug]), {"business": business.pk}, follow=True
    )

    assert response.status_code == 200
    assert DELAYED in response.content.decode()
    assert Membership.objects.get(hub=hub, business=business).state == "requested"
    queued = OutgoingMail.objects.get()
    assert (queued.subject, queued.to, queued.reply_to) == (
        f"[Industry Hubs] Joiner Co asks to join {hub.name}",
        ["organizer@example.org"],
        ["owner@example.org"],
    )
    assert (queued.status, queued.attempts, queued.sent_at) == ("retrying", 1, None)
    assert queued.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert timedelta(seconds=55) < queued.next_attempt_at - timezone.now() <= timedelta(seconds=60)


def test_contact_message_is_not_claimed_sent_when_mail_fails(owner_client, mail_server_down):
    business = make_business()
    business.owners.add(make_user(email="seller@example.org"))

    response = owner_client.post(
        reverse("hubs:business_contact", args=[business.slug]),
        {"subject": "Hello", "message": "Can we talk?"},
        follow=True,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert DELAYED in page
    assert "Your message is saved and we&#x27;ll email it." in page
    assert "Your message is sent" not in page
    assert OutgoingMail.objects.get().to == ["seller@example.org"]


def test_contact_message_is_claimed_sent_only_when_the_server_took_it(owner_client, monkeypatch):
    monkeypatch.setattr("hubs.mailing.transaction.on_commit", lambda callback: callback())
    business = make_business()
    business.owners.add(make_user(email="seller@example.org"))

    response = owner_client.post(
        reverse("hubs:business_contact", args=[business.slug]),
        {"subject": "Hello", "message": "Can we talk?"},
        follow=True,
    )

    page = response.content.decode()
    assert "Your message is sent. Replies will come to your email." in page
    assert DELAYED not in page
    assert [m.to for m in mail.outbox] == [["seller@example.org"]]
    assert OutgoingMail.objects.get().status == "sent"


def test_contact_message_queued_for_a_worker_says_it_will_follow(
    owner_client, settings, monkeypatch
):
    """With the database backend the worker sends later: the page promises, it does not claim."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr("hubs.mailing.transaction.on_commit", lambda callback: callback())
    business = make_business()
    business.owners.add(make_user(email="seller@example.org"))

    response = owner_client.post(
        reverse("hubs:business_contact", args=[business.slug]),
        {"subject": "Hello", "message": "Can we talk?"},
        follow=True,
    )

    page = response.content.decode()
    assert "Your message is saved and we&#x27;ll email it." in page
    assert "Your message is sent" not in page
    assert mail.outbox == []
    assert OutgoingMail.objects.get().status == "queued"
    assert DBTaskResult.objects.get().status == "READY"


def test_mail_kept_while_the_server_was_down_goes_out_once_when_it_returns(
    owner_client, mail_server_down, monkeypatch
):
    hub = _organized_hub()
    business = make_business(name="Joiner Co")
    business.owners.add(owner_client.owner)
    owner_client.post(reverse("hubs:hub_join", args=[hub.slug]), {"business": business.pk})
    monkeypatch.undo()  # The mail server answers again.
    key = OutgoingMail.objects.get().key

    outcomes = [mailing.deliver(key), mailing.deliver(key)]

    assert outcomes == ["sent", "already sent"]
    assert [m.subject for m in mail.outbox] == [
        f"[Industry Hubs] Joiner Co asks to join {hub.name}"
    ]
    assert OutgoingMail.objects.get().attempts == 2


@pytest.mark.parametrize("line_break", LINE_BREAKS)
def test_contact_subject_with_a_line_break_is_refused_and_nothing_sent(
    owner_client, line_break, django_capture_on_commit_callbacks
):
    business = make_business()
    business.owners.add(make_user(email="seller@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("hubs:business_contact", args=[business.slug]),
            {"subject": f"Hello{line_break}Bcc: victim@example.org", "message": "Hi"},
        )

    assert response.status_code == 200
    assert "Keep the subject on one line." in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("line_break", LINE_BREAKS)
def test_business_name_with_a_line_break_is_refused_and_nothing_saved(owner_client, line_break):
    data = {
        "name": f"Evil{line_break}Bcc: victim@example.org",
        "industry": "339920",
        "place_text": "Provo, UT",
        "size": "2-9",
    }

    response = owner_client.post(reverse("hubs:business_create"), data)

    assert response.status_code == 200
    assert "Keep the name on one line." in response.content.decode()
    assert not Business.objects.filter(name__startswith="Evil").exists()


def test_a_stored_name_with_a_line_break_still_mails_a_one_line_subject(
    owner_client, django_capture_on_commit_callbacks
):
    hub = _organized_hub()
    business = make_business(name="Imported\u2028Co")  # e.g. from a curator's CSV
    business.owners.add(owner_client.owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("hubs:hub_join", args=[hub.slug]), {"business": business.pk}
        )

    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == [
        f"[Industry Hubs] Imported Co asks to join {hub.name}"
    ]
