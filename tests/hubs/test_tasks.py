"""The queue: mail written to the outbox with the action, delivered by a task after commit, tried
again with back-off, never twice; the scheduler; failed work visible and retried in the admin."""

import io
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from hubs import mailing, schedule
from hubs.mailing import deliver_mail
from hubs.models import OutgoingMail, ScheduledRun
from tests.factories import make_user

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def mail_server_down(monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPConnectError(421, "Service not available")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    return monkeypatch


def _run_ready_tasks():
    """What `manage.py db_worker` does for each ready row: claim it, run it, record the result."""
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )  # fmt: skip
    ran = 0
    while result := DBTaskResult.objects.ready().first():
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def _queue(key=None, **overrides):
    values = {"subject": "Hello", "body": "Hi there.", "to": ["a@example.org"], "key": key}
    return mailing.queue(**{**values, **overrides})


def test_mail_and_its_action_roll_back_together(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue()
        raise RuntimeError("the action failed after queuing its email")

    assert OutgoingMail.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_queue_without_recipients_writes_nothing():
    assert _queue(to=["", ""]) is None
    assert OutgoingMail.objects.count() == 0


def test_a_keyed_message_queued_twice_is_written_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue(key="remind:hub:7:2026-12-01")
        second = _queue(key="remind:hub:7:2026-12-01")

    assert (first is not None, second) == (True, None)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_delivery_is_idempotent_and_keeps_one_message_id(django_capture_on_commit_callbacks):
    message = _queue(subject="Line one\nLine two", reply_to=["r@example.org"])

    outcomes = [mailing.deliver(message.key) for _ in range(3)]

    assert outcomes == ["sent", "already sent", "already sent"]
    [sent] = mail.outbox
    assert (sent.subject, sent.to, sent.reply_to) == (
        "Line one Line two",
        ["a@example.org"],
        ["r@example.org"],
    )
    assert sent.extra_headers["Message-ID"] == f"<{message.key}@127.0.0.1>"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)


def test_delivery_of_an_unknown_key_sends_nothing():
    assert mailing.deliver("no-such-key") == "missing"
    assert mail.outbox == []


def test_back_off_doubles_from_the_base_to_an_hour(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 60

    waits = [mailing.backoff(n).total_seconds() for n in range(1, 9)]

    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_on_commit_the_database_backend_stores_one_ready_task_and_sends_nothing_yet(
    database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()

    [task] = DBTaskResult.objects.all()
    assert (task.task_path, task.status, task.args_kwargs) == (
        "hubs.mailing.deliver_mail",
        "READY",
        {"args": [message.key], "kwargs": {}},
    )
    assert mail.outbox == []


def test_the_worker_sends_once_even_when_the_task_is_enqueued_twice(
    database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    deliver_mail.enqueue(message.key)  # e.g. the scheduler's sweep, or a curator's retry

    assert _run_ready_tasks() == 2

    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == [
        "already sent",
        "sent",
    ]


def test_a_refused_delivery_is_deferred_with_back_off_and_then_sent(
    database_queue, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()

    assert _run_ready_tasks() == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("retrying", 1)
    assert message.last_error == "SMTPConnectError: (421, 'Service not available')"
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == message.next_attempt_at
    assert retry.args_kwargs["args"] == [message.key]
    assert _run_ready_tasks() == 0  # Not due yet.

    mail_server_down.undo()
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    assert _run_ready_tasks() == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)


def test_the_last_failed_attempt_fails_the_task_for_the_curators(
    database_queue, mail_server_down, settings
):
    settings.MAIL_MAX_ATTEMPTS = 2
    message = _queue()
    OutgoingMail.objects.filter(pk=message.pk).update(attempts=1)
    deliver_mail.enqueue(message.key)

    _run_ready_tasks()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 2)
    [task] = DBTaskResult.objects.all()
    assert task.status == "FAILED"
    assert task.exception_class_path == "hubs.mailing.MailNotDelivered"
    assert list(OutgoingMail.objects.failed()) == [message]


def test_the_sweep_enqueues_only_overdue_unsent_mail(database_queue):
    long_ago = timezone.now() - timedelta(minutes=10)
    overdue = _queue(key="overdue")
    _queue(key="due-soon")
    sent = _queue(key="sent")
    given_up = _queue(key="given-up")
    OutgoingMail.objects.exclude(key="due-soon").update(next_attempt_at=long_ago)
    OutgoingMail.objects.filter(pk=sent.pk).update(sent_at=long_ago)
    OutgoingMail.objects.filter(pk=given_up.pk).update(failed_at=long_ago)

    assert mailing.sweep_overdue() == 1
    assert mailing.sweep_overdue() == 0  # Its due time moved on: not enqueued twice.

    assert [t.args_kwargs["args"] for t in DBTaskResult.objects.all()] == [[overdue.key]]


def test_the_scheduler_enqueues_each_job_once_per_period(
    database_queue, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(schedule, "available_jobs", lambda: ["sweep_mail", "remind_stale"])
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        first = schedule.enqueue_due(now=now)
        again = schedule.enqueue_due(now=now + timedelta(seconds=30))
        later = schedule.enqueue_due(now=now + timedelta(minutes=2))

    assert (first, again, later) == (["sweep_mail", "remind_stale"], [], ["sweep_mail"])
    jobs = [t.args_kwargs["args"] for t in DBTaskResult.objects.order_by("enqueued_at")]
    assert jobs == [["sweep_mail"], ["remind_stale"], ["sweep_mail"]]
    assert ScheduledRun.objects.get(name="remind_stale").last_enqueued_at == now


def test_the_scheduler_skips_a_job_whose_command_is_not_installed(monkeypatch):
    monkeypatch.setattr(schedule, "get_commands", lambda: {"remind_stale": "hubs"})

    assert schedule.available_jobs() == ["sweep_mail", "remind_stale"]


def test_run_scheduler_once_runs_the_jobs_in_process_with_the_immediate_backend(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(schedule, "available_jobs", lambda: ["sweep_mail", "remind_stale"])
    stale = _queue(key="stale")
    OutgoingMail.objects.filter(pk=stale.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once", stdout=(out := io.StringIO()))

    assert out.getvalue() == "Enqueued 2 jobs: sweep_mail, remind_stale.\n"
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_run_job_runs_no_name_outside_the_schedule():
    with pytest.raises(KeyError):
        schedule.run_job.call("flush")


# The curators' admin: failed mail and failed tasks are listed and can be retried.


@pytest.fixture
def curator_client(client):
    curator = make_user(is_staff=True)
    from django.contrib.auth.models import Group

    curator.groups.add(Group.objects.get(name="Curators"))
    client.force_login(curator)
    return client


def _failed_mail():
    message = _queue(key="failed-one", subject="Your request")
    OutgoingMail.objects.filter(pk=message.pk).update(
        attempts=8, failed_at=timezone.now(), last_error="SMTPConnectError: 421"
    )
    return message


def test_failed_mail_is_listed_for_curators(curator_client):
    _failed_mail()
    _queue(key="sent-one", subject="Welcome")
    OutgoingMail.objects.filter(key="sent-one").update(sent_at=timezone.now())

    response = curator_client.get(reverse("admin:hubs_outgoingmail_changelist") + "?status=failed")

    assert response.status_code == 200
    assert [m.key for m in response.context["cl"].result_list] == ["failed-one"]


def test_curators_send_failed_mail_again_after_confirming(
    curator_client, django_capture_on_commit_callbacks
):
    message = _failed_mail()
    url = reverse("admin:hubs_outgoingmail_changelist")
    data = {"action": "send_again", "_selected_action": [message.pk]}

    confirm = curator_client.post(url, data)
    assert "Send again: are you sure?" in confirm.content.decode()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        curator_client.post(url, {**data, "confirm": "yes"})

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert [m.subject for m in mail.outbox] == ["Your request"]


def test_failed_tasks_are_retried_from_the_admin(
    curator_client, database_queue, mail_server_down, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_MAX_ATTEMPTS = 1
    message = _queue()
    deliver_mail.enqueue(message.key)
    _run_ready_tasks()
    failed = DBTaskResult.objects.get(status="FAILED")
    mail_server_down.undo()
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")

    listing = curator_client.get(url + "?status__exact=FAILED")
    curator_client.post(url, {"action": "retry", "_selected_action": [failed.pk], "confirm": "y"})

    assert [r.pk for r in listing.context["cl"].result_list] == [failed.pk]
    [retried] = DBTaskResult.objects.all()
    assert (retried.status, retried.args_kwargs["args"]) == ("READY", [message.key])
    assert _run_ready_tasks() == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


@pytest.mark.parametrize("staff", [False, True])
def test_people_who_are_not_curators_cannot_see_or_retry_work(client, staff, database_queue):
    message = _failed_mail()
    client.force_login(make_user(is_staff=staff))
    url = reverse("admin:hubs_outgoingmail_changelist")

    listing = client.get(url)
    client.post(url, {"action": "send_again", "_selected_action": [message.pk], "confirm": "y"})

    assert listing.status_code == (403 if staff else 302)
    message.refresh_from_db()
    assert message.status == "failed"
    assert DBTaskResult.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_signup_confirmation_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    passphrase = "a long passphrase that is easy to remember"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": passphrase, "password2": passphrase},
        )

    queued = OutgoingMail.objects.get()
    assert (queued.subject, queued.to, queued.status) == (
        "[Industry Hubs] Please Confirm Your Email Address",
        ["new@example.org"],
        "sent",
    )
    assert [m.subject for m in mail.outbox] == [queued.subject]


# Share cards: drawn by a task, stored, served from storage.


def _card(client, hub):
    return client.get(reverse("hubs:hub_card", args=[hub.slug]))


def test_the_card_is_drawn_by_the_task_stored_and_served_from_storage(client, monkeypatch):
    from django.core.files.storage import default_storage

    from hubs import cards
    from tests.factories import make_hub

    hub = make_hub(name="Harbour Makers")
    generic = cards.generic_card_png()

    first = _card(client, hub)
    monkeypatch.setattr(cards, "hub_card_png", lambda **values: pytest.fail("drawn again"))
    second = _card(client, hub)

    path = cards.card_path(hub)
    assert default_storage.exists(path)
    assert first.content == second.content == default_storage.open(path).read()
    assert first.content != generic
    assert second["Cache-Control"] == "public, max-age=3600"


def test_with_a_worker_the_generic_card_is_served_until_the_task_has_run(client, database_queue):
    from hubs import cards
    from tests.factories import make_hub

    hub = make_hub(name="Harbour Makers")

    waiting = _card(client, hub)
    [task] = DBTaskResult.objects.all()
    ran = _run_ready_tasks()
    ready = _card(client, hub)

    assert (waiting.content, waiting["Cache-Control"]) == (
        cards.generic_card_png(),
        "public, max-age=60",
    )
    assert (task.task_path, task.args_kwargs["args"]) == ("hubs.cards.render_hub_card", [hub.pk])
    assert ran == 1
    assert ready.content != cards.generic_card_png()
    assert ready["Cache-Control"] == "public, max-age=3600"


def test_a_renamed_hub_gets_a_new_card_and_its_old_one_is_removed(client):
    from django.core.files.storage import default_storage

    from hubs import cards
    from tests.factories import make_hub

    hub = make_hub(name="Harbour Makers")
    _card(client, hub)
    old = cards.card_path(hub)
    hub.name = "Harbour Boatbuilders"
    hub.save()

    _card(client, hub)

    assert cards.card_path(hub) != old
    assert default_storage.listdir("cards")[1] == [cards.card_path(hub).split("/")[1]]
