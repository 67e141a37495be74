"""One idiom for every named choice (backbones, optimizers, flow methods, style losses, ...).

A Registry maps a name to its entry (a factory or a spec), in the order registered; the CLI's
choices are its names, so a new choice is one ``register`` call. An unknown name is the user's
error, with the one-line message every choice shares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar, overload

from .errors import OptionError

T = TypeVar("T")


class UnknownChoice(OptionError, KeyError):
    """A name no registry entry has; a KeyError too, so Mapping lookups (``in``, ``get``) behave."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class Registry(Mapping[str, T], Generic[T]):
    """Name -> entry, in registration order; ``what`` names the kind of choice in error messages."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}

    @overload
    def register(self, name: str) -> Callable[[T], T]: ...
    @overload
    def register(self, name: str, entry: T) -> T: ...
    def register(self, name: str, entry: object = None) -> object:
        """Add ``entry`` under ``name``; without ``entry``, a decorator that adds what it decorates."""
        if entry is None:
            return lambda decorated: self.register(name, decorated)
        if name in self._entries:
            raise ValueError(f"{self.what} {name!r} is registered twice")
        self._entries[name] = entry  # type: ignore[assignment]
        return entry

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownChoice(f"unknown {self.what} {name!r}; choose one of {', '.join(self._entries)}") from None

    def check(self, name: str) -> str:
        """``name`` if it is registered, else the UnknownChoice error (for validating options early)."""
        self[name]
        return name

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
