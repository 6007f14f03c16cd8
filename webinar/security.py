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


class RequestBodyLimitMiddleware:
    """
    Refuse a request body larger than its address can use, from its Content-Length, before
    anything reads it: the admin's sign-in form is a few hundred bytes, public pages take no
    body, and only the admin's own forms carry uploads. Django's DATA_UPLOAD_MAX_MEMORY_SIZE
    bounds the form fields it reads; this bounds what a worker reads at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        admin = "/" + settings.ADMIN_URL
        self.limits = [
            (admin + "login/", settings.LOGIN_MAX_BODY_BYTES),
            (admin, settings.ADMIN_MAX_BODY_BYTES),
        ]

    def body_limit(self, path):
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return settings.PUBLIC_MAX_BODY_BYTES

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self.body_limit(request.path_info)
        if length > limit:
            return bad_request(
                request,
                _("The request is too large for this address (at most %(limit)s bytes).")
                % {"limit": limit},
                status=413,
            )
        return self.get_response(request)


def method_not_allowed(request, allowed):
    """405 in the site's design (JSON for API views), with the Allow header."""
    if serves_json(request):
        response = JsonResponse({"detail": [_("This address is read-only.")]}, status=405)
    else:
        response = HttpResponse(
            render_to_string("405.html", request=request),
            status=405,
            content_type="text/html; charset=utf-8",
        )
    response["Allow"] = ", ".join(allowed)
    return response


class ReadOnlyPagesMiddleware:
    """
    Answer a POST (or PUT, DELETE…) to a read-only page with the site's 405 page before the
    CSRF check runs: that check would otherwise answer first with Django's plain 403, which
    tells a reader nothing true (no token would make the page accept the form). Applies to
    class-based views with no handler for the method; also dresses the empty 405 answers of
    function views (require_safe) in the site's design. Placed before CsrfViewMiddleware.
    """

    SAFE = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not serves_json(request):
            # The same response, so the headers later middleware added (CSP…) stay.
            dressed = method_not_allowed(request, [])
            response.content = dressed.content
            response["Content-Type"] = dressed["Content-Type"]
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in self.SAFE:
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is None or getattr(view_func, "cls", None) is not None:
            return None  # function views, and DRF (exempt from CSRF, answers 405 itself)
        allowed = [
            method.upper() for method in view_class.http_method_names if hasattr(view_class, method)
        ]
        if "GET" in allowed:
            allowed.append("HEAD")
        if request.method.lower() not in view_class.http_method_names or not hasattr(
            view_class, request.method.lower()
        ):
            return method_not_allowed(request, sorted(set(allowed)))
        return None
