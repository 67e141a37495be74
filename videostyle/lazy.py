"""Packages that load their modules when a name is first used, so ``videostyle --help`` imports no torch.

A package's ``__init__`` lists which module each public name lives in; ``from videostyle.stylize import
StyleOptions`` then imports only videostyle.stylize.options (and what it needs), not the engine. A name
may equal its module's (``videostyle.batch.run`` the function, in module ``execute``; ``feedforward.train``
the function, in module ``train``): the package answers the function, as an eager ``from .train import
train`` did, even after the import system has set the attribute to the submodule.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping


def lazy_exports(package: str, modules: Mapping[str, tuple[str, ...]]) -> tuple[Callable, Callable, list[str]]:
    """(``__getattr__``, ``__dir__``, ``__all__``) for ``package``, from {relative module: its public names}."""
    where = {name: module for module, names in modules.items() for name in names}

    def resolve(name: str) -> object:
        return getattr(importlib.import_module(where[name], package), name)

    class LazyPackage(types.ModuleType):
        def __getattribute__(self, name: str) -> object:
            if name in where:
                return resolve(name)
            return super().__getattribute__(name)

    sys.modules[package].__class__ = LazyPackage

    def __getattr__(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return resolve(name)

    def __dir__() -> list[str]:
        return sorted({*where, *sys.modules[package].__dict__})

    return __getattr__, __dir__, sorted(where)
