"""Errors a user can act on.

Library code raises these with a one-line message that says what is wrong and what to do;
the CLI prints the message and exits non-zero instead of showing a traceback.
"""

import errno


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


_CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "the name is too long",
}


def describe_os_error(error: OSError, path: object | None = None, action: str = "write") -> str:
    """One line naming the path and the cause of a failed file operation (no errno numbers)."""
    where = path if path is not None else (error.filename or "a file")
    cause = _CAUSES.get(error.errno or 0) or error.strerror or str(error).strip().split("\n")[0] or type(error).__name__
    return f"cannot {action} {where}: {cause}"


def output_error(error: OSError, path: object | None = None) -> OutputError:
    """An OSError met while writing, as the user-facing OutputError (chain it with ``from error``)."""
    return OutputError(describe_os_error(error, path))


class VideostyleWarning(UserWarning):
    """Something the user should hear about although the run goes on; the CLI prints it as one line."""


class UsageError(OptionError):
    """An option that does not fit the rest of the command line (exit code 2, like a parse error)."""


class DamagedInput(InputError, VideostyleWarning):
    """A video ended before its stated length: what could be read was used (an error with --strict)."""
