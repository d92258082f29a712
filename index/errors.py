"""The search core's failures; each edge (CLI, bot) turns them into one message."""

from __future__ import annotations


class SearchError(Exception):
    """Base class: str(exc) is a message fit for a user."""


class IndexUnavailable(SearchError):
    """The index file is missing, corrupt, incomplete or from another version."""


class QueryError(SearchError):
    """A query that cannot be searched; `code` lets the bot phrase it in Chinese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class BuildError(SearchError):
    """A build that could not start or finish; the previous index stays in place."""
