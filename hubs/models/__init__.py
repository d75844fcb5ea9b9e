"""The directory's data: industries, regions, the gazetteer, hubs, businesses and resources."""

from hubs.models.base import Located, unique_slug
from hubs.models.businesses import Business, BusinessQuerySet, Resource
from hubs.models.claims import Claim
from hubs.models.community import (
    Connection,
    Interest,
    Invitation,
    Membership,
    Mention,
    Partner,
    Update,
)
from hubs.models.curation import BusinessRedirect, Flag, HubRedirect
from hubs.models.hubs import Hub, HubQuerySet, Stage, stage_for_members
from hubs.models.industries import (
    IndexEntry,
    Industry,
    UnmatchedIndustryText,
)
from hubs.models.meetings import CalendarFeed, Meeting, MeetingSeries, Rsvp
from hubs.models.outbox import OutgoingMail
from hubs.models.places import Place, PlaceName, Region
from hubs.models.schedule import ScheduledRun

__all__ = [
    "Business",
    "BusinessQuerySet",
    "BusinessRedirect",
    "CalendarFeed",
    "Claim",
    "Connection",
    "Flag",
    "Hub",
    "HubQuerySet",
    "HubRedirect",
    "IndexEntry",
    "Industry",
    "Interest",
    "Invitation",
    "Located",
    "Meeting",
    "MeetingSeries",
    "Membership",
    "Mention",
    "OutgoingMail",
    "Partner",
    "Place",
    "PlaceName",
    "Region",
    "Resource",
    "Rsvp",
    "ScheduledRun",
    "Stage",
    "UnmatchedIndustryText",
    "Update",
    "stage_for_members",
    "unique_slug",
]
