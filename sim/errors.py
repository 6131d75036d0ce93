"""The one error type users see: bad input, reported as a single line naming the field and the fix."""

from __future__ import annotations


class InputError(Exception):
    """Bad user input (scenario YAML, data CSV, CLI flag).

    The CLI prints ``str(error)`` on one line and exits with code 2; nothing is written.
    ``where`` names the file or flag, ``field`` the dotted path inside it.
    """

    def __init__(self, message: str, *, where: str | None = None, field: str | None = None):
        self.message = message
        self.where = where
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [p for p in (self.where, self.field) if p]
        prefix = ": ".join(parts)
        text = f"{prefix}: {self.message}" if prefix else self.message
        return " ".join(text.split())  # always one line
