"""Application errors a caller can cause (mapped to 404 / 403 by the API)."""


class NotFound(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what


class Busy(Exception):
    """A command kept losing optimistic-concurrency races; the caller may retry."""


class InvalidInput(Exception):
    """A well-formed request that names something that does not exist (400)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
