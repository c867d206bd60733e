"""The OpenAPI 3 description of ``/api/v1/`` (served at ``/api/v1/openapi.json``; validated in the tests)."""

from __future__ import annotations

from typing import Any

from dossierlink._version import __version__
from dossierlink.schema import DivergenceKind, Severity

__all__ = ["OPENAPI"]

_STR_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}

_DIVERGENCE: dict[str, Any] = {
    "type": "object",
    "description": "One divergence as the JSON report writes it (docs/report-json.md); personal data masked.",
    "required": ["id", "kind", "severity", "status", "organisation", "organisations", "message", "action"],
    "properties": {
        "id": {"type": "string"},
        "dossier_id": {"type": ["integer", "null"]},
        "dossier": _STR_OR_NULL,
        "kind": {"type": "string", "enum": [k.value for k in DivergenceKind]},
        "severity": {"type": "string", "enum": [s.value for s in Severity]},
        "status": {"type": "string", "enum": ["open", "acknowledged", "resolved"]},
        "organisation": {"type": "string", "description": "the organisation that must act"},
        "organisations": {"type": "array", "items": {"type": "string"}},
        "identifiers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"kind": {"type": "string"}, "value": {"type": "string"}},
            },
        },
        "subject": {"type": "string"},
        "expected": _STR_OR_NULL,
        "found": _STR_OR_NULL,
        "message": {"type": "string"},
        "why": {"type": "string"},
        "action": {"type": "string"},
        "first_seen": _STR_OR_NULL,
        "last_seen": _STR_OR_NULL,
        "resolved_at": _STR_OR_NULL,
        "age_days": {"type": ["integer", "null"]},
        "details": {"type": "object"},
    },
}

_PAGE: dict[str, Any] = {
    "type": "object",
    "required": ["count", "next", "previous", "results"],
    "properties": {
        "count": {"type": "integer", "minimum": 0},
        "next": {"type": ["string", "null"], "format": "uri"},
        "previous": {"type": ["string", "null"], "format": "uri"},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Divergence"}},
    },
}

_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}},
}


def _err(text: str) -> dict[str, Any]:
    return {
        "description": text,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_COMMON = {"401": _err("no or wrong credentials"), "403": _err("outside your organisation")}
_NOTE = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["note"],
                "properties": {"note": {"type": "string", "maxLength": 500}},
            }
        }
    },
}
_ACK_RESULT = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "string"},
        "ack_note": _STR_OR_NULL,
        "ack_by": _STR_OR_NULL,
        "ack_at": _STR_OR_NULL,
    },
}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _ack_op(summary: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": _NOTE,
        "responses": {
            "200": {"description": "done", "content": {"application/json": {"schema": _ACK_RESULT}}},
            "400": _err("no note"),
            "404": _err("no such divergence"),
            "409": _err("not in a state this changes"),
            **_COMMON,
        },
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "dossierlink",
        "version": __version__,
        "description": "The chain's divergences per organisation. Authenticate with `Authorization: Token <token>` "
        "(`dossierlink tokens add`). A token sees what a medewerker of its organisation sees.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"token": []}],
    "paths": {
        "/divergences": {
            "get": {
                "summary": "The work list: divergences, most severe and oldest first, in pages",
                "parameters": [
                    _query("organisation", "the organisation that must act (default: your own)"),
                    _query(
                        "status",
                        "open, acknowledged, resolved or unresolved (default)",
                        {"type": "string", "enum": ["open", "acknowledged", "resolved", "unresolved"]},
                    ),
                    _query(
                        "kind",
                        "divergence kind",
                        {"type": "string", "enum": [k.value for k in DivergenceKind]},
                    ),
                    _query("severity", "severity", {"type": "string", "enum": [s.value for s in Severity]}),
                    _query("dossier", "any identifier of the case"),
                    _query("age", "at least this many days open", {"type": "integer", "minimum": 0}),
                    _query("page", "page number, from 1", {"type": "integer", "minimum": 1}),
                    _query(
                        "page_size",
                        "items per page (1-500)",
                        {"type": "integer", "minimum": 1, "maximum": 500},
                    ),
                    _query(
                        "lang", "language of the action sentences", {"type": "string", "enum": ["nl", "en"]}
                    ),
                ],
                "responses": {
                    "200": {"description": "one page", "content": {"application/json": {"schema": _PAGE}}},
                    "400": _err("a filter value is not known"),
                    **_COMMON,
                },
            }
        },
        "/divergences/{id}/ack": {"post": _ack_op("Acknowledge a divergence your organisation must act on")},
        "/divergences/{id}/unack": {"post": _ack_op("Withdraw an acknowledgement")},
        "/dossiers/{identifier}": {
            "get": {
                "summary": "One case by any identifier (parketnummer in any spelling, PV number, ECLI, SKN)",
                "parameters": [
                    {"name": "identifier", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "the case; BSNs and birth dates masked",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["dossier_id", "identifiers", "records", "divergences"],
                                    "properties": {
                                        "dossier_id": {"type": "integer"},
                                        "label": _STR_OR_NULL,
                                        "identifiers": {"type": "array"},
                                        "records": {"type": "array"},
                                        "divergences": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Divergence"},
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "404": _err("no such case"),
                    **_COMMON,
                },
            }
        },
        "/report": {
            "get": {
                "summary": "The JSON report (docs/report-json.md) for your organisation, or the chain for a ketenregisseur",
                "parameters": [
                    _query(
                        "level",
                        "strategic, tactical or operational",
                        {"type": "string", "enum": ["strategic", "tactical", "operational"]},
                    ),
                    _query("organisation", "the organisation (default: your own)"),
                    _query("lang", "language", {"type": "string", "enum": ["nl", "en"]}),
                ],
                "responses": {
                    "200": {
                        "description": "the report",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": _err("a wrong level"),
                    **_COMMON,
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3"}},
            }
        },
    },
    "components": {
        "securitySchemes": {
            "token": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Token <token>",
            }
        },
        "schemas": {"Divergence": _DIVERGENCE, "Error": _ERROR},
    },
}
