"""The site's views: public pages (public), owners' and organizers' pages (owners)."""
