"""Domain errors: raised by services, turned into clear 4xx answers by the API and pages."""


class DomainError(Exception):
    """A request that cannot be carried out, with a message a person can act on."""

    status = 400
    code = "bad_request"

    def __init__(self, message, fields=None, code=None):
        super().__init__(str(message))
        self.message = str(message)
        self.fields = fields or {}
        if code:
            self.code = code

    def to_dict(self):
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationError(DomainError):
    status = 400
    code = "validation"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Throttled(DomainError):
    status = 429
    code = "throttled"

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after
