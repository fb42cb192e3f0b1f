"""The entry forms: the admin's event page that gathers what was logged at an event.

May import both apps and the shared helpers; nothing below it imports it.
"""
