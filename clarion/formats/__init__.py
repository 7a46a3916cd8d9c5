"""Date formats per interface language (settings.FORMAT_MODULE_PATH).

Only what differs from Django's own locale formats is set here; numbers keep Django's
(English 1,234; Spanish 1 234 with a non-breaking space, as the RAE recommends, which
neither Mexican nor Spanish readers mistake for a decimal mark).
"""
