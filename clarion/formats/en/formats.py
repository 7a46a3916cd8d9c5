# Day before month, as Clarion has always written dates ("25 November 2026"), rather
# than Django's American default. DATETIME_FORMAT is for a moment worth naming fully,
# such as when an article was published, in the zone it carries.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "l, j F Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
