"""A network's forward on the CPU as a traced, frozen TorchScript graph, one per input shape.

The built-in networks are small: at 384x216 the 26-style network makes about 100 torch calls a frame,
each of which crosses from Python and takes the GIL back from the decode, flow and encode threads.
A trace runs the same operators from C++ in one call: the same output to the bit, and on 2 cores
about 15% less CPU time a frame (13-14 instead of 16-17 ms for the 26-style network at 384x216).

A trace bakes in whatever the forward decided in Python: the padding computed from the frame size,
the norm's branch on the batch's style rows, a strength (``alpha``) given as a number. So a graph
serves one key (input shapes, strides and dtypes, and the network's own ``trace_key()``), and a
network takes part only by declaring ``trace_key``: what else its forward reads, or None when it
cannot be traced now (a strength per frame, from ``--alpha-at``), which runs it eagerly.
Tracing a shape costs about 0.2 s, so a shape is traced only once it comes again (``TRACE_AFTER``
calls: the frames of a video, the 26 styles of a sheet), never for one photo.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable

import torch
from torch import nn

TRACE_AFTER = 3
"""The call of a key that traces it; the calls before run eagerly (a photo is one call, a video's frames many)."""
KEEP_GRAPHS = 4
"""Graphs kept (least recently used dropped): a folder of photos of many sizes does not pile them up."""


def traceable(network: nn.Module) -> bool:
    """Whether ``network`` says what its forward reads beyond its inputs (``trace_key``)."""
    return callable(getattr(network, "trace_key", None))


class TracedForward:
    """``network(images, style)`` through a frozen trace per key, eager until a key has come ``TRACE_AFTER`` times.

    For inference only (call it under ``torch.inference_mode``). If tracing fails, that key runs
    eagerly from then on: a newer torch without TorchScript still renders, as before.
    """

    def __init__(self, network: nn.Module) -> None:
        self.network = network
        self.graphs: OrderedDict[Hashable, Callable[..., torch.Tensor] | None] = OrderedDict()
        self.seen: dict[Hashable, int] = {}

    def __call__(self, images: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        extra = self.network.trace_key()  # type: ignore[operator]
        graph = None if extra is None else self._graph((_signature(images), _signature(style), extra), images, style)
        return graph(images, style) if graph is not None else self.network(images, style)

    def _graph(self, key: Hashable, images: torch.Tensor, style: torch.Tensor) -> Callable[..., torch.Tensor] | None:
        """The key's graph, traced at its ``TRACE_AFTER``-th call; None before, and where tracing failed."""
        if key not in self.graphs:
            self.seen[key] = self.seen.get(key, 0) + 1
            if self.seen[key] < TRACE_AFTER:
                return None
            del self.seen[key]
            self.graphs[key] = _trace(self.network, images, style)
            while len(self.graphs) > KEEP_GRAPHS:
                self.graphs.popitem(last=False)
        self.graphs.move_to_end(key)
        return self.graphs[key]


def _signature(tensor: torch.Tensor) -> tuple[object, ...]:
    return tuple(tensor.shape), tensor.stride(), tensor.dtype, tensor.device


def _trace(network: nn.Module, images: torch.Tensor, style: torch.Tensor) -> Callable[..., torch.Tensor] | None:
    """The frozen trace of ``network`` at these inputs, or None where TorchScript cannot make one."""
    try:
        with warnings.catch_warnings():  # TorchScript's deprecation notice and the tracer's notes on baked-in sizes
            warnings.simplefilter("ignore")
            return torch.jit.freeze(torch.jit.trace(network, (images, style), check_trace=False).eval())
    except Exception:  # noqa: BLE001 - any failure of an optional speed-up leaves the eager forward
        return None
