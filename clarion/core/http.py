"""Request helpers: who sent a request, and its address as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent the request.

    X-Forwarded-For is only believed when the operator says how many proxies sit
    in front of Clarion (CLARION_TRUSTED_PROXIES); anyone can send that header.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.CLARION_TRUSTED_PROXIES
    if not hops:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    # Each trusted proxy appends the address it saw; the client is `hops` from the end.
    if len(forwarded) >= hops:
        return forwarded[-hops]
    return remote


def ip_source(ip: str) -> str:
    """What a per-address limit or hash counts as one source.

    An IPv4 address itself (also when seen through an IPv6 socket as ::ffff:a.b.c.d);
    for IPv6, its /64: a home or a host is handed a whole /64 and can use any address
    in it, so counting single addresses would let one client dodge every limit. Anything
    that is not an address comes back as it was.
    """
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def hash_ip(ip: str | None) -> str:
    """A keyed hash of a client's source (``ip_source``): enough to spot one source,
    useless to reverse."""
    if not ip:
        return ""
    key = hashlib.sha256(f"clarion-ip:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, ip_source(ip).encode(), hashlib.sha256).hexdigest()


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a page that belongs to one person (opened from their email, or a form's own
    answer): no cache keeps it and no search engine indexes it, in any language.
    robots.txt lists the same pages (clarion.opendata.views.PRIVATE_PATHS)."""

    @wraps(view)
    def private(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return private


def anonymous(request: HttpRequest) -> bool:
    """Whether this visitor sees a page as every anonymous visitor does.

    A session (a signed-in moderator or organiser) or pending flash messages (the
    "your signature is confirmed" note) make a page personal. Only the cookies are
    read: looking at ``request.user`` would load the session and add ``Vary: Cookie``.
    """
    return not (settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES)


def is_staff(request: HttpRequest) -> bool:
    """Whether a signed-in moderator sent this request, without touching the session
    of a visitor who has none (which would add ``Vary: Cookie`` to a public page)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff


def share_with_caches(
    request: HttpRequest, response: HttpResponse, max_age: int | None = None
) -> HttpResponse:
    """Let any cache (a reverse proxy, a CDN, the browser) keep and serve this answer.

    Only an anonymous visitor's 200 that sets no cookie is shared: ``public``, kept by
    shared caches for ``s-maxage`` (CLARION_PAGE_MAX_AGE, or ``max_age``) and served
    stale for ``stale-while-revalidate`` more while they fetch a fresh copy; an ``ETag``
    (a hash of the body unless the view set one) makes a revalidation that finds the
    page unchanged cost a 304. Browsers get ``max-age=0``: they revalidate each time,
    so someone who has just started, signed or approved a petition sees the change on
    their next page (a 304 when nothing changed), while a CDN spares Clarion the crowd.
    Anything else is marked ``private``: a shared cache must not hand one visitor's
    page to another.
    """
    if response.has_header("Cache-Control"):
        return response  # the view decided (a private page, an error page...)
    if response.status_code != 200 or response.cookies or not anonymous(request):
        patch_cache_control(response, private=True)
        return response
    shared = settings.CLARION_PAGE_MAX_AGE if max_age is None else max_age
    patch_cache_control(
        response,
        public=True,
        max_age=0 if max_age is None else max_age,
        s_maxage=shared,
        stale_while_revalidate=settings.CLARION_PAGE_STALE_SECONDS,
    )
    if not response.streaming and not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a page that is the same for every anonymous visitor: see ``share_with_caches``."""

    @wraps(view)
    def public(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return share_with_caches(request, view(request, *args, **kwargs))

    return public
