"""Errors the tool reports to users (never as a traceback)."""


class TesseraError(Exception):
    """A user-facing error: printed as `tessera: error: <message>`, exit 1."""


class ManifestError(TesseraError):
    """The manifest (or its board) is invalid.

    `messages` holds every formatted `file:line:col: error: ...` line found
    in one run; str() joins them so callers can print it directly.
    """

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))
