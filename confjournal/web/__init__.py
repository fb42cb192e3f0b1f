"""Request plumbing: the anonymous page cache and the journal version it keys on, ETags
for exports, the client's address behind proxies, the log-in lockout page, the language
switcher, and the middleware that turns bad input into a 400.

It may import `confjournal.core`; the apps and the features above them import it.
"""
