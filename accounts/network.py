"""Who is asking: the client's IP address, and a keyed hash of it for storage.

Rate limits (here and in the discussion) and the IP hash kept on comments all start
from `client_ip`. Behind proxies, the address Django sees is the last proxy's; the
real client is in X-Forwarded-For, which anyone can also forge. So the header is
believed only as far as `settings.TRUSTED_PROXY_COUNT` proxies of our own wrote it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

_IP_HASH_SALT = "tribune.accounts.network.ip_hash"


def _parse_ip(value: str) -> str:
    """`value` as a normalised IP address, or "" when it is not one.

    Accepts the forms proxies write: "203.0.113.9", "203.0.113.9:51234",
    "2001:db8::1", "[2001:db8::1]:443". An IPv4 address mapped into IPv6
    ("::ffff:203.0.113.9") comes back as plain IPv4, so one client has one key.
    """
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def canonical_ip(value: str) -> str:
    """An address typed by a person (a moderator's ban, say) as `client_ip`
    gives it, so that its hash is the one stored with the client's requests; ""
    when it is not one address (a network, a port, an interface's zone)."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return ""
        if address.ipv4_mapped:
            address = address.ipv4_mapped
    return str(address)


def client_ip(request: HttpRequest) -> str:
    """The IP address of the client that made `request`, or "" if unknown.

    With `TRUSTED_PROXY_COUNT = 0` (nothing in front) it is the connection's
    REMOTE_ADDR and X-Forwarded-For is ignored: a client could write anything there.
    With N > 0 proxies, each appends the address it received the request from, so
    the Nth address from the right was written by our outermost proxy and is the
    client's; everything left of it is the client's own claim. When the header has
    fewer than N addresses the leftmost is used (the request came in past some of
    our proxies), and when the chosen entry is not an address, REMOTE_ADDR is.
    """
    remote = _parse_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not forwarded:
        return remote
    return _parse_ip(forwarded[max(len(forwarded) - proxies, 0)]) or remote


def ip_network_key(ip: str) -> str:
    """The unit a rate limit counts: the address for IPv4, its /64 for IPv6.

    One IPv6 subscriber is usually given a whole /64, so counting single addresses
    would let them step around any limit.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def ip_hash(ip: str) -> str:
    """A keyed hash of `ip`: stable for one address, useless without SECRET_KEY.

    HMAC-SHA256 keyed with SECRET_KEY and a fixed salt, as 32 hex characters, so we
    can tell that two requests came from one address (rate limits, moderation) while
    storing no address anyone could read back. Rotating SECRET_KEY changes every
    hash.
    """
    return salted_hmac(_IP_HASH_SALT, ip, algorithm="sha256").hexdigest()[:32]
