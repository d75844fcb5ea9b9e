"""`make bench`: how the nearest-hub search and the site's pages hold up as the directory grows."""
