"""Mail that cannot be sent after the data is saved never answers 500: the failure is logged and
the person is told; and names and subjects that reach email headers hold no line break."""

import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse

from hubs.models import Business, Membership
from tests.factories import make_business, make_hub, make_membership, make_user

pytestmark = pytest.mark.django_db

NOT_DELIVERED = "We could not send an email just now: our mail server did not answer."
LINE_BREAKS = ["\r\n", "\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


@pytest.fixture
def mail_server_down(monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    # Outside a test's wrapping transaction, on_commit runs as the request's write commits.
    monkeypatch.setattr("hubs.services.transaction.on_commit", lambda callback: callback())


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


def test_join_request_is_saved_and_the_person_told_when_mail_fails(
    owner_client, mail_server_down, caplog
):
    hub = _organized_hub()
    business = make_business(name="Joiner Co")
    business.owners.add(owner_client.owner)

    response = owner_client.post(
        reverse("hubs:hub_join", args=[hub.slug]), {"business": business.pk}, follow=True
    )

    assert response.status_code == 200
    assert NOT_DELIVERED in response.content.decode()
    assert Membership.objects.get(hub=hub, business=business).state == "requested"
    assert [r.levelname for r in caplog.records if r.name == "hubs.services"] == ["ERROR"]


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
    assert NOT_DELIVERED in page
    assert "Your message is sent" not in page


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
