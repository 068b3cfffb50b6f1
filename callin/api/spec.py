"""The OpenAPI document of the stable interfaces; kept beside the endpoints it describes."""

_ERROR = {"$ref": "#/components/schemas/Error"}
_QUEUE = {"$ref": "#/components/schemas/Queue"}


def _json(schema):
    return {"content": {"application/json": {"schema": schema}}}


def _answer(description, schema=None):
    return {"description": description, **(_json(schema) if schema else {})}


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "callin API", "version": "1",
             "description": "Live call-in show and case tracker. Authenticate with "
                            "`Authorization: Bearer <token>` from /auth/token, or the session "
                            "cookie plus X-CSRFToken from the pages."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                            "signature": {"type": "apiKey", "in": "header",
                                          "name": "X-Callin-Signature"}},
        "schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "object"}}}}},
            "Queue": {"type": "object", "required": ["show_id", "version", "state", "calls"],
                      "properties": {"show_id": {"type": "integer"},
                                     "version": {"type": "integer"},
                                     "state": {"type": "string",
                                               "enum": ["scheduled", "live", "ended"]},
                                     "show": {"type": "object"},
                                     "calls": {"type": "array", "items": {"type": "object"}},
                                     "notes": {"type": "array", "items": {"type": "object"}}}},
            "TelephonyEvent": {"type": "object",
                               "required": ["event", "call_ref", "line", "caller", "at"],
                               "properties": {
                                   "event": {"type": "string",
                                             "enum": ["ringing", "answered", "hangup"]},
                                   "call_ref": {"type": "string", "maxLength": 100},
                                   "line": {"type": "integer", "minimum": 0, "maximum": 999},
                                   "caller": {"type": "string"},
                                   "at": {"type": "string", "format": "date-time"}}},
        },
    },
    "paths": {
        "/auth/token": {"post": {
            "summary": "Exchange a username and password for a bearer token",
            "requestBody": _json({"type": "object", "required": ["username", "password"],
                                  "properties": {"username": {"type": "string"},
                                                 "password": {"type": "string"}}}),
            "responses": {"200": _answer("Token", {"type": "object", "properties": {
                "token": {"type": "string"}, "role": {"type": "string"},
                "expires_at": {"type": "string", "format": "date-time"}}}),
                "401": _answer("Wrong credentials", _ERROR),
                "429": _answer("Too many failures; see Retry-After", _ERROR)}}},
        "/telephony/events": {"post": {
            "summary": "Phone-system webhook (ring, answer, hang up); idempotent",
            "security": [{"signature": []}],
            "description": "X-Callin-Signature: sha256=<hex HMAC-SHA256 of the raw body with "
                           "TELEPHONY_SECRET>. The same event sent again returns the same call "
                           "and changes nothing. call_id is null when no live show has its "
                           "lines open.",
            "requestBody": _json({"$ref": "#/components/schemas/TelephonyEvent"}),
            "responses": {"200": _answer("Processed", {"type": "object", "properties": {
                "call_id": {"type": "integer", "nullable": True}}}),
                "400": _answer("Malformed body", _ERROR),
                "401": _answer("Missing or wrong signature", _ERROR)}}},
        "/sms/inbound": {"post": {
            "summary": "SMS gateway webhook: one text from a citizen; idempotent by message_id",
            "security": [{"signature": []}],
            "description": "X-Callin-Signature: sha256=<hex HMAC-SHA256 of the raw body with "
                           "SMS_SECRET>. While a show is live the text goes to the producers' "
                           "inbox (state inbox, case null) and the sender gets an acknowledgement;"
                           " otherwise a case is opened (state case) and the sender gets its "
                           "number and lookup code by SMS. The same message_id sent again "
                           "returns the same message and changes nothing. An invalid sender "
                           "number is a 400.",
            "requestBody": _json({"type": "object",
                                  "required": ["message_id", "from", "to", "text", "received_at"],
                                  "properties": {
                                      "message_id": {"type": "string", "maxLength": 100},
                                      "from": {"type": "string", "example": "13853612345"},
                                      "to": {"type": "string", "maxLength": 32},
                                      "text": {"type": "string", "maxLength": 2000},
                                      "received_at": {"type": "string", "format": "date-time",
                                                      "example": "2026-11-28T19:05:00+08:00"}}}),
            "responses": {"200": _answer("Taken", {"type": "object", "properties": {
                "message_id": {"type": "string"},
                "case_id": {"type": "integer", "nullable": True},
                "case_number": {"type": "string", "nullable": True},
                "state": {"type": "string", "enum": ["inbox", "queued", "case", "dismissed"]}}}),
                "400": _answer("Malformed body or invalid sender number", _ERROR),
                "401": _answer("Missing or wrong signature", _ERROR)}}},
        "/shows": {"get": {
            "summary": "Shows, newest first", "security": [{"bearer": []}],
            "parameters": [{"name": "state", "in": "query", "schema": {
                "type": "string", "enum": ["scheduled", "live", "ended"]}}],
            "responses": {"200": _answer("Shows", {"type": "object", "properties": {
                "shows": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "title": {"type": "string"},
                    "state": {"type": "string"}, "department": {"type": "object"},
                    "starts_at": {"type": "string", "format": "date-time"}}}}}}),
                "401": _answer("Not logged in", _ERROR)}}},
        "/shows/{show_id}/queue": {"get": {
            "summary": "The live state of a show as the asking role may see it",
            "description": "No phone numbers for host, guest or public. Without credentials "
                           "the public view is returned.",
            "parameters": [{"name": "show_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": _answer("State", _QUEUE), "404": _answer("No such show", _ERROR)}}},
        "/public/cases/{number}": {"get": {
            "summary": "A citizen's view of one case: status, dates, public reply",
            "parameters": [{"name": "number", "in": "path", "required": True,
                            "schema": {"type": "string"}, "example": "2611-0042"},
                           {"name": "code", "in": "query", "required": True,
                            "schema": {"type": "string"}, "description": "6-digit lookup code"}],
            "responses": {"200": _answer("Status", {"type": "object", "properties": {
                "number": {"type": "string"}, "state": {"type": "string"},
                "title": {"type": "string"}, "registered_at": {"type": "string"},
                "reply_due_at": {"type": "string", "nullable": True},
                "replied_at": {"type": "string", "nullable": True},
                "closed_at": {"type": "string", "nullable": True},
                "reply_public": {"type": "string"}, "steps": {"type": "array"}}}),
                "404": _answer("Wrong number or code (the same answer for both)", _ERROR)}}},
        "/cases": {"get": {
            "summary": "Cases the user may see, newest first, keyset-paged",
            "security": [{"bearer": []}],
            "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}} for n in (
                "number", "phone", "department_id", "state", "nature", "category_id", "town_id",
                "overdue", "since", "until", "text", "cursor", "limit")],
            "responses": {"200": _answer("A page", {"type": "object", "properties": {
                "cases": {"type": "array", "items": {"type": "object"}},
                "next_cursor": {"type": "string", "nullable": True}}}),
                "400": _answer("A filter needs correcting", _ERROR),
                "401": _answer("Not logged in", _ERROR)}}},
    },
    "x-socketio": {
        "namespace": "/live",
        "connect": "session cookie or auth={\"token\": ...}; a bad token is refused; without "
                   "either the connection sees the public view only",
        "client_events": {"watch": "{\"show_id\"} -> acknowledgement with the queue body"},
        "server_events": {"queue": "the queue body on every committed change; version rises by "
                                   "one per change; on a gap, emit watch again"},
    },
}
