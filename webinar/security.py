"""
Request-level defences shared by every URL: the client address used for login throttling,
rejection of malformed query strings before any view sees them, and safe serving of uploads
in development.
"""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.static import serve


def client_ip(request):
    """
    The address of the client, for login throttling (django-axes) and logs.

    Behind N trusted proxies (settings.TRUSTED_PROXY_COUNT), each proxy appends the address it
    received the request from to X-Forwarded-For, so the client is the N-th entry from the
    right; entries further left were written by the client and could name anyone. With no
    trusted proxy the header is ignored and the socket address (REMOTE_ADDR) is used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def bad_request(request, reason, status=400, parameter=None):
    """
    A 4xx answer that tells the reader what was wrong: JSON for API views (views with
    renderer_classes, as Django REST framework's), in the API's error shape
    {"parameter": ["reason"]}; otherwise the site's 400 page if it has one, else plain text.
    """
    if serves_json(request):
        return JsonResponse({parameter or "detail": [reason]}, status=status)
    try:
        body = render_to_string("400.html", {"reason": reason}, request=request)
        content_type = "text/html; charset=utf-8"
    except TemplateDoesNotExist:
        body = reason
        content_type = "text/plain; charset=utf-8"
    return HttpResponse(body, status=status, content_type=content_type)


def serves_json(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    return view_class is not None and hasattr(view_class, "renderer_classes")


class RejectMalformedQueryMiddleware:
    """
    Answer 400/414 to query strings that no page of this site can use: NUL characters (which
    PostgreSQL refuses in text, so they would surface as a 500 from any search or filter),
    bytes that are not UTF-8, and strings longer than settings.MAX_QUERY_STRING_LENGTH.
    Doing it once here covers every present and future view, search and filter; the answer
    names the parameter at fault.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if len(raw) > settings.MAX_QUERY_STRING_LENGTH:
            return bad_request(
                request,
                _("The address is too long (at most %(limit)d characters after the “?”).")
                % {"limit": settings.MAX_QUERY_STRING_LENGTH},
                status=414,
            )
        for pair in raw.split("&"):
            problem = query_pair_problem(pair)
            if problem:
                name = unquote_to_bytes_plus(pair.partition("=")[0]).decode("utf-8", "replace")
                return bad_request(request, problem, parameter=name.replace("\x00", "") or None)
        return self.get_response(request)


def query_pair_problem(pair):
    if "\x00" in pair or "%00" in pair:
        return _("The address contains a NUL character.")
    try:
        decoded = unquote_to_bytes_plus(pair).decode("utf-8")
    except UnicodeDecodeError:
        return _("The address is not valid UTF-8 text.")
    if "\x00" in decoded:
        return _("The address contains a NUL character.")
    return None


def unquote_to_bytes_plus(raw):
    # The WSGI server hands QUERY_STRING over as latin-1 decoded bytes.
    return unquote_to_bytes(raw.encode("latin-1", "replace").replace(b"+", b" "))


def serve_media(request, path, document_root=None):
    """
    Development-only media serving. Uploads are never trusted as active content: no sniffing
    (SecurityMiddleware adds nosniff to every response) and a sandboxing CSP, so a file that a
    browser would render as HTML or SVG cannot run scripts in the site's origin.
    """
    response = serve(request, path, document_root=document_root)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
