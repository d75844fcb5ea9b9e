"""Accounts: sign-up with a confirmed email, log-in limits, the dashboard, deleting an account,
and the admin's log-in going through the site's."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from hubs.models import Business, Membership
from tests.factories import make_business, make_hub, make_membership, make_user

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long passphrase that is easy to remember"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def test_signup_sends_a_confirmation_link_that_logs_the_user_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # Mail leaves the outbox on commit.
        response = client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": PASSPHRASE, "password2": PASSPHRASE},
        )

    assert response["Location"] == "/accounts/confirm-email/"
    assert [m.subject for m in mail.outbox] == ["[Industry Hubs] Please Confirm Your Email Address"]
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body)[1]
    confirmed = client.post(link)
    assert confirmed["Location"] == "/account/"
    assert client.get("/account/").context["user"].email == "new@example.org"
    user = User.objects.get(email="new@example.org")
    assert user.password.startswith("argon2")


def test_signup_rejects_a_short_password_and_creates_no_user(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "short", "password2": "short"},
    )

    assert "This password is too short." in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_password_reset_does_not_reveal_whether_an_email_is_registered(client):
    make_user(email="known@example.org")

    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"


def test_failed_logins_are_limited_per_address_without_locking_the_owner_out(client):
    user = make_user(email="owner@example.org", password=PASSPHRASE)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(10):
        client.post(
            reverse("account_login"), {"login": user.email, "password": "wrong"}, **attacker
        )

    blocked = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSPHRASE}, **attacker
    )
    owner = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSPHRASE},
        REMOTE_ADDR="198.51.100.7",
    )

    assert blocked.status_code == 200
    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in blocked.wsgi_request.session
    assert owner.status_code == 302
    assert owner["Location"] == "/account/"


def test_dashboard_lists_my_businesses_hubs_and_waiting_requests(client):
    user = make_user()
    mine = make_business(name="Mine Co")
    mine.owners.add(user)
    hub = make_hub(name="My Hub")
    make_membership(hub=hub, business=mine, role=Membership.Role.ORGANIZER)
    applicant = make_business(name="Applicant Co")
    make_membership(hub=hub, business=applicant, state=Membership.State.REQUESTED)
    client.force_login(user)

    response = client.get(reverse("accounts:dashboard"))

    assert [b.name for b in response.context["businesses"]] == ["Mine Co"]
    assert [m.hub.name for m in response.context["memberships"]] == ["My Hub"]
    assert [m.business.name for m in response.context["waiting"]] == ["Applicant Co"]


def test_dashboard_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("accounts:dashboard"))

    assert response["Location"] == "/accounts/login/?next=/account/"


def test_delete_account_keeps_co_owned_businesses_and_removes_sole_ones(client):
    user = make_user(password=PASSPHRASE)
    sole = make_business(name="Sole Co")
    sole.owners.add(user)
    shared = make_business(name="Shared Co")
    partner = make_user()
    shared.owners.add(user, partner)
    client.force_login(user)

    wrong = client.post(reverse("accounts:delete"), {"password": "not it"})
    assert "That is not your password." in wrong.content.decode()
    assert User.objects.filter(pk=user.pk).exists()

    response = client.post(reverse("accounts:delete"), {"password": PASSPHRASE})

    assert response["Location"] == "/"
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Business.objects.filter(name="Sole Co").exists()
    assert list(Business.objects.get(name="Shared Co").owners.all()) == [partner]


def test_delete_account_refused_when_it_would_orphan_a_hub_leaves_everything(client):
    user = make_user(password=PASSPHRASE)
    business = make_business()
    business.owners.add(user)
    hub = make_hub()
    make_membership(hub=hub, business=business, role=Membership.Role.ORGANIZER)
    make_membership(hub=hub)
    client.force_login(user)

    client.post(reverse("accounts:delete"), {"password": PASSPHRASE})

    assert User.objects.filter(pk=user.pk).exists()
    assert Business.objects.filter(pk=business.pk).exists()


def test_admin_login_goes_through_the_sites_rate_limited_login(client):
    response = client.get("/admin/login/?next=/admin/hubs/hub/")

    assert response["Location"] == "/accounts/login/?next=/admin/hubs/hub/"


def test_admin_login_for_a_signed_in_non_staff_user_is_403(client):
    client.force_login(make_user())

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert response.status_code == 403


@pytest.mark.parametrize("next_value", ["https://elsewhere.example/", "//elsewhere.example/"])
def test_admin_login_never_redirects_to_another_site(client, next_value):
    client.force_login(make_user(is_staff=True))

    signed_in = client.get("/admin/login/", {"next": next_value})
    client.logout()
    anonymous = client.get("/admin/login/", {"next": next_value})

    assert signed_in["Location"] == "/admin/"
    assert anonymous["Location"] == "/accounts/login/?next=/admin/"


def _fail_logins(client, user, times, **headers):
    for _ in range(times):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"}, **headers)


def _verified_owner():
    from allauth.account.models import EmailAddress

    user = make_user(email="owner@example.org", password=PASSPHRASE)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_behind_one_trusted_proxy_login_limits_count_each_client(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = _verified_owner()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The attacker forges a first entry; the proxy appends the address it really saw.
    _fail_logins(client, user, 10, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9", **proxy)

    blocked = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSPHRASE},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        **proxy,
    )
    owner = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSPHRASE},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )

    assert "Too many failed login attempts" in blocked.content.decode()
    assert owner.status_code == 302
    assert owner["Location"] == "/account/"


def test_without_trusted_proxies_a_forged_forwarded_for_changes_no_bucket(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    user = _verified_owner()
    for n in range(10):
        _fail_logins(
            client, user, 1, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}", REMOTE_ADDR="203.0.113.9"
        )

    blocked = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSPHRASE},
        HTTP_X_FORWARDED_FOR="192.0.2.200",
        REMOTE_ADDR="203.0.113.9",
    )

    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in blocked.wsgi_request.session


def test_a_forwarded_for_shorter_than_the_proxy_count_uses_the_connecting_address(rf, settings):
    from accounts.adapter import AccountAdapter

    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR="192.0.2.1", REMOTE_ADDR="10.0.0.2")

    assert AccountAdapter().get_client_ip(request) == "10.0.0.2"


def test_account_pages_are_private_to_shared_caches(client):
    anonymous_login = client.get(reverse("account_login"))
    client.force_login(make_user())
    dashboard = client.get(reverse("accounts:dashboard"))
    home = client.get(reverse("hubs:home"))

    directives = [set(r["Cache-Control"].split(", ")) for r in [anonymous_login, dashboard, home]]
    assert [{"private", "no-cache"} <= d for d in directives] == [True, True, True]
    assert [d & {"public"} for d in directives] == [set(), set(), set()]


def test_public_pages_for_visitors_stay_cacheable(client):
    response = client.get(reverse("hubs:home"))

    assert "private" not in response.get("Cache-Control", "")
