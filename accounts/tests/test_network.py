"""Client addresses behind proxies, and their keyed hashes."""

import re

import pytest
from django.test import RequestFactory

from accounts.network import client_ip, ip_hash, ip_network_key


def request_from(remote: str = "198.51.100.7", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = request_from("198.51.100.7", forwarded="203.0.113.1")
    assert client_ip(request) == "198.51.100.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        pytest.param(1, "203.0.113.1", "203.0.113.1", id="one-proxy"),
        pytest.param(1, "6.6.6.6, 203.0.113.1", "203.0.113.1", id="one-proxy-spoof"),
        pytest.param(2, "6.6.6.6, 203.0.113.1, 10.0.0.2", "203.0.113.1", id="two"),
        pytest.param(3, "203.0.113.1, 10.0.0.2", "203.0.113.1", id="fewer-than-n"),
        pytest.param(1, "203.0.113.1:51234", "203.0.113.1", id="ipv4-port"),
        pytest.param(1, "[2001:db8::1]:443", "2001:db8::1", id="ipv6-port"),
        pytest.param(1, "2001:DB8:0::1", "2001:db8::1", id="ipv6-normalised"),
        pytest.param(1, "::ffff:203.0.113.1", "203.0.113.1", id="ipv4-mapped"),
        pytest.param(1, "unknown", "198.51.100.7", id="garbage-falls-back"),
        pytest.param(1, "", "198.51.100.7", id="empty-header"),
    ],
)
def test_with_trusted_proxies(settings, proxies, forwarded, expected):
    # given
    settings.TRUSTED_PROXY_COUNT = proxies
    # when
    ip = client_ip(request_from("198.51.100.7", forwarded=forwarded))
    # then
    assert ip == expected


def test_no_header_with_proxies_uses_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("198.51.100.7")) == "198.51.100.7"


def test_unknown_remote_address_is_empty(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("")) == ""


def test_ip_hash_is_32_hex_stable_and_keyed(settings):
    first = ip_hash("203.0.113.1")
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert ip_hash("203.0.113.1") == first
    assert ip_hash("203.0.113.2") != first
    settings.SECRET_KEY = "another-secret-key-entirely-different-from-the-first"
    assert ip_hash("203.0.113.1") != first


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("203.0.113.1", "203.0.113.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("", ""),
    ],
)
def test_ip_network_key(ip, key):
    assert ip_network_key(ip) == key
