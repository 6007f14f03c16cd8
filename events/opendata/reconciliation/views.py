"""The service's addresses: JSON views (rate-limited like the API) and the preview page."""

import json

from csp.decorators import csp_replace
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from .service import (
    QueryError,
    describe,
    extend,
    manifest,
    propose_properties,
    reconcile,
    suggest_entities,
    suggest_properties,
    suggest_types,
)
from .text import MAX_LIMIT, site_address
from .types import TYPES, Candidate, type_of_id

# --- Views ----------------------------------------------------------------------------------


def read_json(request, name):
    raw = request.data.get(name) if hasattr(request.data, "get") else None
    if raw is None:
        raw = request.query_params.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        return raw  # a JSON body already parsed
    try:
        return json.loads(raw)
    except ValueError as error:
        raise ParseError(f"'{name}' is not valid JSON: {error}") from error


class ReconciliationView(APIView):
    """CORS-open, rate-limited like the API; answers in JSON or 400 with a reason."""

    parser_classes = [parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # The protocol expects browser clients on other sites to read the answers.
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def answer(self, build, *args):
        try:
            return Response(build(*args))
        except QueryError as error:
            return Response({"detail": str(error)}, status=400)


RESPONSES = {
    200: OpenApiTypes.OBJECT,
    400: inline_serializer("ReconciliationError", {"detail": serializers.CharField()}),
}
QUERIES = OpenApiParameter(
    "queries",
    OpenApiTypes.STR,
    description="A reconciliation query batch as JSON: {key: {query, type, limit, properties}}.",
)
EXTEND = OpenApiParameter(
    "extend", OpenApiTypes.STR, description="A data extension query as JSON: {ids, properties}."
)


class ServiceView(ReconciliationView):
    """Without parameters, the service manifest; with `queries`, candidates for each query;
    with `extend`, property values of reconciled ids. GET or POST (form-encoded)."""

    @extend_schema(
        parameters=[QUERIES, EXTEND],
        responses=RESPONSES,
        summary="Reconciliation Service API 0.2: manifest, queries and data extension",
    )
    def get(self, request):
        return self.respond(request)

    @extend_schema(
        request={
            "application/x-www-form-urlencoded": inline_serializer(
                "ReconciliationForm",
                {
                    "queries": serializers.CharField(required=False, help_text=QUERIES.description),
                    "extend": serializers.CharField(required=False, help_text=EXTEND.description),
                },
            )
        },
        responses=RESPONSES,
        summary="Reconciliation Service API 0.2: queries and data extension (form-encoded)",
    )
    def post(self, request):
        return self.respond(request, posted=True)

    def respond(self, request, posted=False):
        queries = read_json(request, "queries")
        if queries is not None:
            return self.answer(reconcile, queries)
        extension = read_json(request, "extend")
        if extension is not None:
            return self.answer(extend, extension)
        if posted:
            return Response({"detail": "Send 'queries' or 'extend'."}, status=400)
        return Response(manifest())


LIMIT = OpenApiParameter("limit", OpenApiTypes.INT, description="At most this many (1–25).")


def read_limit(request, default):
    try:
        return max(1, min(int(request.query_params.get("limit", default)), MAX_LIMIT))
    except ValueError as error:
        raise ParseError("'limit' must be a whole number.") from error


class SuggestEntityView(ReconciliationView):
    @extend_schema(
        parameters=[
            OpenApiParameter("prefix", OpenApiTypes.STR, required=True),
            OpenApiParameter("type", OpenApiTypes.STR, enum=list(TYPES)),
            LIMIT,
        ],
        responses=RESPONSES,
        summary="Suggest people, organizations or events by the start of their name",
    )
    def get(self, request):
        prefix = request.query_params.get("prefix", "").strip()
        limit = read_limit(request, 10)
        if not prefix:
            return Response({"result": []})
        return Response(suggest_entities(prefix, request.query_params.get("type"), limit))


class SuggestTypeView(ReconciliationView):
    @extend_schema(
        parameters=[OpenApiParameter("prefix", OpenApiTypes.STR)],
        responses=RESPONSES,
        summary="Suggest a type (Person, Organization, Event)",
    )
    def get(self, request):
        return Response(suggest_types(request.query_params.get("prefix", "")))


class SuggestPropertyView(ReconciliationView):
    @extend_schema(
        parameters=[
            OpenApiParameter("prefix", OpenApiTypes.STR),
            OpenApiParameter("type", OpenApiTypes.STR, enum=list(TYPES)),
        ],
        responses=RESPONSES,
        summary="Suggest a property to constrain queries with",
    )
    def get(self, request):
        return Response(
            suggest_properties(
                request.query_params.get("prefix", ""), request.query_params.get("type")
            )
        )


class ProposePropertiesView(ReconciliationView):
    @extend_schema(
        parameters=[
            OpenApiParameter("type", OpenApiTypes.STR, enum=list(TYPES), required=True),
            LIMIT,
        ],
        responses=RESPONSES,
        summary="Properties that data extension can fetch for a type",
    )
    def get(self, request):
        limit = read_limit(request, MAX_LIMIT)
        return self.answer(propose_properties, request.query_params.get("type", ""), limit)


# Read-only, and never a form: other methods get the site's 405, not the CSRF check's 403.
@csrf_exempt
@require_safe
@xframe_options_exempt
# Shown inside the reconciling tool's page, on another site.
@csp_replace({"frame-ancestors": ["*"]})
def preview(request):
    """A small page about one entity, for the client's preview frame."""
    entity_id = request.GET.get("id", "")
    entity_type = type_of_id(entity_id)
    record = entity_type.by_id(entity_id) if entity_type else None
    if record is None:
        raise Http404("No published record has this id.")
    description = describe([Candidate(entity_type, record)]).get((entity_type.id, record.pk))
    return render(
        request,
        "reconciliation/preview.html",
        {
            "name": entity_type.label(record),
            "kind": entity_type.name,
            "description": description,
            "identifiers": getattr(record, "identifiers", []),
            "url": site_address(record.get_absolute_url()),
        },
    )


@csrf_exempt
@require_safe
def view(request, entity_id):
    """The page of an entity, from its id: the manifest's view template."""
    entity_type = type_of_id(entity_id)
    record = entity_type.by_id(entity_id) if entity_type else None
    if record is None:
        raise Http404("No published record has this id.")
    return redirect(record.get_absolute_url())
