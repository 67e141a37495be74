"""Errors a user can act on.

Library code raises these with a one-line message that says what is wrong and what to do;
the CLI prints the message and exits non-zero instead of showing a traceback.
"""


class VideostyleError(Exception):
    """Base class of every error meant for the user rather than the developer."""


class InputError(VideostyleError):
    """An input file (content, style, video, weights) is missing, unreadable or unsuitable."""


class OutputError(VideostyleError):
    """The output cannot be written (exists without --overwrite, unknown extension, ...)."""


class WeightsError(VideostyleError):
    """Pretrained weights are not available locally and cannot be fetched."""


class OptionError(VideostyleError):
    """An option value is out of its sensible range."""
