"""The hub builder's five steps: when each is done, what its status says, and what comes next.

The builder reads a hub and its active memberships; unsaved rows are enough, so no database."""

import pytest

from hubs.builder import hub_steps, network, next_step
from hubs.models import Hub, Membership, Partner, Resource

ORGANIZER, MEMBER = Membership.Role.ORGANIZER, Membership.Role.MEMBER


def _hub(**fields):
    return Hub(name="Canoe Builders", **fields)


def _members(*roles, connections=()):
    """One membership a role; the connections are spread over them in turn."""
    members = [Membership(role=role, connections=[]) for role in roles]
    for n, kind in enumerate(connections):
        members[n % len(members)].connections.append(kind)
    return members


def _partners(*kinds):
    return [Partner(resource=Resource(name=f"Partner {n}", kind=k)) for n, k in enumerate(kinds)]


def _steps(hub=None, members=(), partners=(), mentions=0, meetings=0):
    return hub_steps(
        hub=hub or _hub(),
        members=list(members),
        partners=list(partners),
        mention_count=mentions,
        meetings_held=meetings,
    )


def _step(number, **kwargs):
    return _steps(**kwargs)[number - 1]


def test_a_new_hub_has_five_steps_none_done_and_the_first_is_next():
    steps = _steps(members=_members(ORGANIZER))

    assert [(s.number, s.title, s.done) for s in steps] == [
        (1, "Start the conversation", False),
        (2, "Form an organization", False),
        (3, "Tap each other's connections", False),
        (4, "Get government involved", False),
        (5, "Publicize it", False),
    ]
    assert [s.status for s in steps] == [
        "1 of 3 member businesses; no meeting held yet",
        "1 of 2 organizers; no mission statement yet",
        "0 of 3 kinds of connection offered",
        "0 public-sector partners of 0 engaged",
        "no description, no website or social link, 0 press or blog mentions",
    ]
    assert next_step(steps) == steps[0]


@pytest.mark.parametrize(
    ("count", "meetings", "done", "status"),
    [
        (2, 1, False, "2 of 3 member businesses; 1 meeting held"),
        (3, 0, False, "3 member businesses (3 needed); no meeting held yet"),
        (3, 1, True, "3 member businesses (3 needed); 1 meeting held"),
        (8, 4, True, "8 member businesses (3 needed); 4 meetings held"),
    ],
)
def test_step_1_is_done_at_three_members_and_a_meeting_held(count, meetings, done, status):
    step = _step(1, members=_members(ORGANIZER, *[MEMBER] * (count - 1)), meetings=meetings)

    assert (step.done, step.status) == (done, status)


@pytest.mark.parametrize(
    ("roles", "mission", "done", "status"),
    [
        ((ORGANIZER, ORGANIZER), "", False, "2 organizers (2 needed); no mission statement yet"),
        ((ORGANIZER, MEMBER), "Grow.", False, "1 of 2 organizers; mission published"),
        ((ORGANIZER, ORGANIZER), "   ", False, "2 organizers (2 needed); no mission statement yet"),
        ((ORGANIZER, ORGANIZER), "Grow.", True, "2 organizers (2 needed); mission published"),
    ],
)
def test_step_2_needs_two_organizers_and_a_mission(roles, mission, done, status):
    step = _step(2, hub=_hub(mission=mission), members=_members(*roles))

    assert (step.done, step.status) == (done, status)


@pytest.mark.parametrize(
    ("connections", "done", "status"),
    [
        (["media", "media", "finance"], False, "2 of 3 kinds of connection offered"),
        (["media", "finance", "research"], True, "3 kinds of connection offered (3 needed)"),
    ],
)
def test_step_3_counts_kinds_of_connection_not_members_offering_them(connections, done, status):
    step = _step(3, members=_members(ORGANIZER, MEMBER, MEMBER, connections=connections))

    assert (step.done, step.status) == (done, status)


CITY, MAYOR, STATE = Resource.Kind.CITY, Resource.Kind.MAYOR, Resource.Kind.STATE_AGENCY
UNIVERSITY, CHAMBER = Resource.Kind.UNIVERSITY, Resource.Kind.CHAMBER


@pytest.mark.parametrize(
    ("kinds", "done", "status"),
    [
        ((), False, "0 public-sector partners of 0 engaged"),
        ((UNIVERSITY,), False, "0 public-sector partners of 1 engaged"),
        ((UNIVERSITY, CHAMBER), False, "0 public-sector partners of 2 engaged"),
        ((CITY,), True, "1 public-sector partner of 1 engaged"),
        ((MAYOR, UNIVERSITY), True, "1 public-sector partner of 2 engaged"),
        ((STATE, Resource.Kind.GOVERNMENT), True, "2 public-sector partners of 2 engaged"),
    ],
)
def test_step_4_is_done_only_with_a_public_sector_partner(kinds, done, status):
    step = _step(4, partners=_partners(*kinds))

    assert (step.done, step.status) == (done, status)


@pytest.mark.parametrize(
    ("fields", "mentions", "done", "status"),
    [
        (
            {"description": "We build canoes.", "website": "https://canoes.example"},
            1,
            True,
            "description, a link, 1 press or blog mention",
        ),
        (
            {"description": "We build canoes.", "x_url": "https://x.example/canoes"},
            0,
            False,
            "description, a link, 0 press or blog mentions",
        ),
        (
            {"description": "We build canoes."},
            2,
            False,
            "description, no website or social link, 2 press or blog mentions",
        ),
        (
            {"description": " ", "facebook_url": "https://facebook.example/canoes"},
            1,
            False,
            "no description, a link, 1 press or blog mention",
        ),
        (
            {"linkedin_url": "https://linkedin.example/c", "description": "Canoes."},
            3,
            True,
            "description, a link, 3 press or blog mentions",
        ),
    ],
)
def test_step_5_needs_a_description_a_link_and_a_mention(fields, mentions, done, status):
    step = _step(5, hub=_hub(**fields), mentions=mentions)

    assert (step.done, step.status) == (done, status)


def test_next_step_is_the_first_not_done_and_none_when_all_are():
    hub = _hub(mission="Grow.", description="Canoes.", website="https://canoes.example")
    members = _members(ORGANIZER, ORGANIZER, MEMBER, connections=["media", "finance", "trade"])

    halfway = _steps(
        hub=hub, members=members, partners=_partners(UNIVERSITY), mentions=1, meetings=1
    )
    finished = _steps(hub=hub, members=members, partners=_partners(CITY), mentions=1, meetings=1)

    assert [s.done for s in halfway] == [True, True, True, False, True]
    assert next_step(halfway).number == 4
    assert all(s.done for s in finished)
    assert next_step(finished) is None


def test_network_counts_members_bringing_each_kind_and_skips_unknown_ones():
    members = _members(
        ORGANIZER, MEMBER, MEMBER, connections=["finance", "media", "finance", "bribes"]
    )

    assert network(members) == {"Finance and investors": 2, "Media and bloggers": 1}
    assert network([]) == {}
