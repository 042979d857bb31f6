"""The error every request handler raises to answer with an AWS error.

Handlers only name the error; `wire.py` renders it in the caller's protocol so
the same code path gives an IAM, EC2 or Organizations shaped body.
"""


class AwsError(Exception):
    """An AWS service error: code, message, HTTP status.

    `sender` picks <Type>Sender</Type> or Receiver in query-protocol bodies;
    `extra` adds members to JSON bodies (Organizations' `Reason`);
    `headers` adds response headers (Retry-After).
    """

    def __init__(self, code, message, status=400, sender=True, extra=None,
                 headers=None, lower_message=False):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender = sender
        self.extra = extra or {}
        self.headers = headers or {}
        # JSON-protocol auth errors spell the member "message", service
        # errors "Message" (both occur in real traffic; see the samples).
        self.lower_message = lower_message


def validation_error(field, value, constraint):
    """The Coral-style validation message IAM and STS send."""
    return AwsError(
        "ValidationError",
        f"1 validation error detected: Value '{value}' at '{field}' failed to "
        f"satisfy constraint: {constraint}")
