"""The one error an unusable extract raises: its message is the one line a user sees."""


class ExtractError(ValueError):
    """The file cannot be loaded at all (wrong kind, unreadable, empty); nothing was written."""
