"""The address a request came from, as trusted for login lockouts.

X-Forwarded-For is a list that every proxy appends to, and whatever a client
puts at its start is forged at will. So with TRUSTED_PROXY_COUNT proxies in
front of gunicorn the client is the address the outermost proxy appended:
counted from the right, past the proxies' own hops; entries further left are
never read. With no proxies (the default) the header is ignored altogether.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's address (django-axes' AXES_CLIENT_IP_CALLABLE)."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        # Fewer hops than proxies: the request did not come through them all.
        return remote_addr
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
