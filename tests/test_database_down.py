"""When the database stops answering in the middle of a request (the primary restarting), the
visitor gets a 503 that says so and to look before sending again, never the error page of a bug,
wherever the error was raised."""

import logging

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from hubs import services
from tests.factories import make_hub, make_user

pytestmark = pytest.mark.django_db

PAGE_TEXT = (
    "Our database stopped answering while we handled your request: it may be restarting. If "
    "you were sending something, it may not have been saved, so look for it before you send it "
    "again."
)


def _text(response):
    return " ".join(response.content.decode().split())


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # Answered as a visitor would be.
    return client


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
    ],
    ids=["operational", "interface"],
)
def test_a_join_cut_off_by_the_database_answers_503_with_retry_after(
    client, monkeypatch, caplog, error
):
    hub = make_hub(name="Restart Hub")

    def cut_off(hub):
        raise error

    monkeypatch.setattr(services, "organizer_emails", cut_off)
    client.force_login(make_user(email="owner@example.com"))
    caplog.set_level(logging.ERROR, logger="django.request")

    response = client.post(reverse("hubs:hub_join", args=[hub.slug]), {"connections": []})

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert PAGE_TEXT in _text(response)
    [logged] = [r for r in caplog.records if r.name == "django.request"]
    assert logged.getMessage() == f"Service Unavailable: /hubs/{hub.slug}/join/"
    assert logged.exc_info[1] is error  # The traceback is kept in the logs.


def test_a_session_save_cut_off_after_the_view_answers_503(client, monkeypatch):
    hub = make_hub(name="Session Restart Hub")

    def cut_off(self, request, response):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(SessionMiddleware, "process_response", cut_off)

    response = client.get(hub.get_absolute_url())

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert PAGE_TEXT in _text(response)


def test_the_503_page_reads_nothing_from_the_database(
    client, monkeypatch, django_assert_num_queries
):
    hub = make_hub(name="Quiet Restart Hub")

    def cut_off(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("hubs.views.details._hub_page", cut_off)

    with django_assert_num_queries(0):
        response = client.get(reverse("hubs:hub", args=[hub.slug]))

    assert response.status_code == 503
    assert PAGE_TEXT in _text(response)


def test_other_errors_are_still_server_errors(client, monkeypatch):
    hub = make_hub(name="Bug Hub")

    def bug(*args, **kwargs):
        raise ValueError("a bug, not the database")

    monkeypatch.setattr("hubs.views.details._hub_page", bug)

    response = client.get(reverse("hubs:hub", args=[hub.slug]))

    assert response.status_code == 500
    assert "Something went wrong on our side" in _text(response)
