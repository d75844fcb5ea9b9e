"""The hub builder: the five steps of starting a hub, checked against the hub's real data."""

from dataclasses import dataclass

from hubs.models import Connection

MIN_MEMBERS = 3
MIN_ORGANIZERS = 2
MIN_CONNECTION_KINDS = 3


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    done: bool
    status: str
    advice: str


def _progress(count, needed, what):
    """ "1 of 3 member businesses" on the way; "8 member businesses (3 needed)" once there."""
    if count < needed:
        return f"{count} of {needed} {what}"
    return f"{count} {what} ({needed} needed)"


def hub_steps(*, hub, members, partners, mention_count, meetings_held=0):
    """The five steps with what is done and what to do next; ``members`` are active ones,
    ``partners`` the reviewed ones. Only a public-sector partner gets government involved."""
    public_sector = sum(1 for p in partners if p.resource.is_public_sector)
    organizers = sum(1 for m in members if m.is_organizer)
    kinds = {kind for m in members for kind in m.connections}
    has_link = any([hub.website, hub.linkedin_url, hub.x_url, hub.facebook_url])
    return [
        Step(
            1,
            "Start the conversation",
            len(members) >= MIN_MEMBERS and meetings_held >= 1,
            _progress(len(members), MIN_MEMBERS, "member businesses")
            + (
                f"; {meetings_held} meeting{'s' if meetings_held != 1 else ''} held"
                if meetings_held
                else "; no meeting held yet"
            ),
            "Invite kindred businesses nearby, in your industry or a complementary one, "
            "and hold a first meeting.",
        ),
        Step(
            2,
            "Form an organization",
            organizers >= MIN_ORGANIZERS and bool(hub.mission.strip()),
            _progress(organizers, MIN_ORGANIZERS, "organizers")
            + ("; mission published" if hub.mission.strip() else "; no mission statement yet"),
            "Ask a member to co-organize and publish a short mission statement.",
        ),
        Step(
            3,
            "Tap each other's connections",
            len(kinds) >= MIN_CONNECTION_KINDS,
            _progress(len(kinds), MIN_CONNECTION_KINDS, "kinds of connection offered"),
            "Ask members which people they know: public office, finance, media, universities.",
        ),
        Step(
            4,
            "Get government involved",
            public_sector >= 1,
            f"{public_sector} public-sector partner{'s' if public_sector != 1 else ''}"
            f" of {len(partners)} engaged",
            "Meet your city or county government, the mayor's office or a state agency and "
            "record them as a partner.",
        ),
        Step(
            5,
            "Publicize it",
            bool(hub.description.strip()) and has_link and mention_count >= 1,
            f"{'description' if hub.description.strip() else 'no description'}, "
            f"{'a link' if has_link else 'no website or social link'}, "
            f"{mention_count} press or blog mention{'s' if mention_count != 1 else ''}",
            "Add a website or social link and record the first article about the hub.",
        ),
    ]


def network(members):
    """How many members bring each kind of connection: {"Finance and investors": 2, ...}."""
    counts = {label: 0 for _, label in Connection.choices}
    for membership in members:
        for label in membership.connection_labels:
            counts[label] += 1
    return {label: n for label, n in counts.items() if n}


def next_step(steps):
    return next((step for step in steps if not step.done), None)
