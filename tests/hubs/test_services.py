"""The write functions: all-or-nothing, and safe when two people act at the same moment."""

import threading
from unittest import mock

import pytest
from django.db import DatabaseError, connection, connections

from hubs import gazetteer, services
from hubs.models import Hub, Membership
from tests.factories import make_business, make_hub, make_industry, make_membership, make_user

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers, so the race cannot happen; CI runs this on PostgreSQL.",
)


@pytest.mark.django_db
def test_hub_register_leaves_nothing_when_the_database_fails_midway():
    business = make_business()
    industry = make_industry()
    place = gazetteer.resolve("-21.1, -175.2")

    with (
        mock.patch.object(Membership.objects, "create", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        services.hub_register(
            business=business,
            name="Half Saved Hub",
            industry=industry,
            place=place,
            description="",
            created_by=None,
        )

    assert not Hub.objects.filter(name="Half Saved Hub").exists()


@pytest.mark.django_db
def test_membership_decide_leaves_the_request_when_the_count_fails():
    hub = make_hub()
    request = make_membership(hub=hub, state=Membership.State.REQUESTED)

    with (
        mock.patch.object(Hub, "refresh_member_count", side_effect=DatabaseError("gone")),
        pytest.raises(DatabaseError),
    ):
        services.membership_decide(membership=request, approve=True)

    request.refresh_from_db()
    assert request.state == Membership.State.REQUESTED


def _at_once(*calls):
    """Run the calls in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects whatever happened.
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_people_registering_the_same_hub_at_once_get_one_hub():
    from hubs.demo import seed_demo

    seed_demo()  # A transactional test starts from an empty database.
    industry = make_industry()
    place = gazetteer.resolve("-21.1, -175.2")
    first, second = make_business(), make_business()

    def register(business):
        return lambda: services.hub_register(
            business=business,
            name="Canoe Builders",
            industry=industry,
            place=place,
            description="",
            created_by=make_user(),
        )

    results = _at_once(register(first), register(second))

    assert Hub.objects.filter(name="Canoe Builders").count() == 1
    refused = [r for r in results if isinstance(r, services.ActionRefused)]
    assert len(refused) == 1
    assert "already exists in this region" in str(refused[0])
    assert Membership.objects.filter(hub__name="Canoe Builders").count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_join_gives_one_membership():
    hub = make_hub()
    organizer = make_membership(hub=hub, role=Membership.Role.ORGANIZER)
    organizer.business.owners.add(make_user())
    business = make_business()
    user = make_user()

    def join():
        return services.membership_request(hub=hub, business=business, connections=[], user=user)

    results = _at_once(join, join)

    assert Membership.objects.filter(hub=hub, business=business).count() == 1
    assert sum(isinstance(r, Membership) for r in results) == 1


@pytest.mark.django_db
def test_organizer_emails_are_the_active_organizers_owners_in_one_query(
    django_assert_num_queries,
):
    hub = make_hub()
    alpha = make_business(name="Alpha Works", industry=hub.industry)
    alpha.owners.add(make_user(email="ann@alpha.example"), make_user(email="al@alpha.example"))
    beta = make_business(name="Beta Works", industry=hub.industry)
    beta.owners.add(make_user(email="bo@beta.example"))
    nobodys = make_business(name="Aardvark Works", industry=hub.industry)  # No owner on the site.
    asking = make_business(name="Asking Works", industry=hub.industry)
    asking.owners.add(make_user(email="asker@asking.example"))
    member = make_business(name="Member Works", industry=hub.industry)
    member.owners.add(make_user(email="member@member.example"))
    organizer = Membership.Role.ORGANIZER
    for business in (beta, alpha, nobodys):
        make_membership(hub=hub, business=business, role=organizer)
    make_membership(hub=hub, business=asking, role=organizer, state=Membership.State.REQUESTED)
    make_membership(hub=hub, business=member)
    make_membership(business=alpha, role=organizer)  # Another hub's organizer.

    with django_assert_num_queries(1):
        emails = services.organizer_emails(hub)

    assert emails[:2] in (
        ["ann@alpha.example", "al@alpha.example"],
        ["al@alpha.example", "ann@alpha.example"],
    )
    assert emails[2:] == ["bo@beta.example"]  # Organizers by business name, as before.
