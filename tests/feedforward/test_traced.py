"""The CPU's traced forward: the eager output to the bit for every network that takes part, one graph per
shape, none for a single photo, eager where a trace would bake in what changes (a strength per frame)."""

import pytest
import torch

from videostyle.feedforward import traced
from videostyle.feedforward.builtin.magenta import ArbitraryNetwork, StylePredictor, arbitrary_network, multistyle_network
from videostyle.feedforward.builtin.microast import MicroASTNetwork
from videostyle.feedforward.inference import FrameStylizer, InferenceOptions
from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork
from videostyle.feedforward.traced import TRACE_AFTER, TracedForward

from .builtin.test_magenta import _randomize

CPU = torch.device("cpu")


def _stylizer(name: str, precision: str, alpha: float = 1.0) -> FrameStylizer:
    if name == "multistyle":
        network, style = _randomize(multistyle_network()), torch.eye(26)[[19]]
    elif name == "johnson":
        network, style = _randomize(StyleNetwork(NetworkConfig(styles=2, width=0.25))), torch.tensor([[0.3, 0.7]])
    else:
        network = _randomize(ArbitraryNetwork(StylePredictor(), arbitrary_network(), alpha) if name == "arbitrary" else MicroASTNetwork(alpha))
        with torch.inference_mode():
            style = network.encode_style(torch.rand(1, 3, 40, 48))
    return FrameStylizer(network, style, CPU, InferenceOptions(precision=precision))


def _graphs(stylizer: FrameStylizer) -> list[object]:
    assert isinstance(stylizer._forward, TracedForward)
    return list(stylizer._forward.graphs.values())


def _eager(stylizer: FrameStylizer, images: torch.Tensor) -> torch.Tensor:
    """The same call with the network's own forward."""
    forward, stylizer._forward = stylizer._forward, stylizer.network
    try:
        return stylizer.images(images)
    finally:
        stylizer._forward = forward


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("name", ["multistyle", "arbitrary", "microast", "johnson"])
def test_the_traced_network_gives_the_eager_output_to_the_bit(name, precision):
    stylizer = _stylizer(name, precision)
    frames = torch.rand(TRACE_AFTER + 1, 1, 3, 30, 46)  # an odd size: the forward pads it, and the trace bakes that in
    outputs = [stylizer.images(frame) for frame in frames]
    assert len(_graphs(stylizer)) == 1 and _graphs(stylizer)[0] is not None
    for frame, output in zip(frames, outputs):
        assert torch.equal(output, _eager(stylizer, frame))


def test_a_photo_runs_eagerly_and_each_size_gets_its_own_graph():
    stylizer = _stylizer("multistyle", "fp32")
    stylizer.images(torch.rand(1, 3, 30, 46))
    assert _graphs(stylizer) == []  # one call: tracing (0.2 s) would cost more than it saves
    small, large = torch.rand(1, 3, 30, 46), torch.rand(1, 3, 34, 40)
    for _ in range(TRACE_AFTER):
        stylizer.images(large)
        stylizer.images(small)
    assert len(_graphs(stylizer)) == 2
    assert torch.equal(stylizer.images(large), _eager(stylizer, large))
    assert torch.equal(stylizer.images(small), _eager(stylizer, small))


def test_graphs_are_kept_for_the_latest_sizes_only(monkeypatch):
    monkeypatch.setattr(traced, "TRACE_AFTER", 1)
    stylizer = _stylizer("johnson", "fp32")
    for width in range(24, 24 + 4 * (traced.KEEP_GRAPHS + 2), 4):
        stylizer.images(torch.rand(1, 3, 20, width))
    kept = [key[0][0] for key in stylizer._forward.graphs]
    assert len(kept) == traced.KEEP_GRAPHS and kept[-1] == (1, 3, 20, 24 + 4 * (traced.KEEP_GRAPHS + 1))


def test_a_new_style_reaches_the_traced_network():
    """Style keyframes change the style rows between batches: an input of the graph, not a constant."""
    stylizer = _stylizer("multistyle", "fp32")
    frame = torch.rand(1, 3, 30, 46)
    for _ in range(TRACE_AFTER):
        first = stylizer.images(frame)
    stylizer.style = torch.eye(26)[[3]]
    second = stylizer.images(frame)
    assert (second - first).abs().mean() > 1e-3 and torch.equal(second, _eager(stylizer, frame))


def test_a_strength_per_frame_runs_eagerly_and_a_fixed_one_is_traced():
    stylizer = _stylizer("arbitrary", "fp32", alpha=0.6)
    frame = torch.rand(1, 3, 30, 46)
    for _ in range(TRACE_AFTER):
        fixed = stylizer.images(frame)
    assert len(_graphs(stylizer)) == 1 and torch.equal(fixed, _eager(stylizer, frame))
    stylizer.network.alpha = torch.tensor([0.3])  # what --alpha-at sets before each batch
    for _ in range(TRACE_AFTER):
        moved = stylizer.images(frame)
    assert len(_graphs(stylizer)) == 1  # no graph with 0.3 baked in
    assert torch.equal(moved, _eager(stylizer, frame)) and not torch.equal(moved, fixed)  # (random weights: close)


def test_a_network_tracing_cannot_follow_runs_eagerly():
    """MicroAST at a strength below 1 encodes the frame's own style at a size computed in Python, which the
    tracer refuses: that shape keeps the eager forward, with the same output."""
    stylizer = _stylizer("microast", "fp32", alpha=0.7)
    frame = torch.rand(1, 3, 30, 46)
    outputs = [stylizer.images(frame) for _ in range(TRACE_AFTER + 1)]
    assert _graphs(stylizer) == [None]
    assert all(torch.equal(output, outputs[0]) for output in outputs)


def test_networks_that_do_not_take_part_and_compiled_ones_are_not_traced():
    stylizer = _stylizer("johnson", "fp32")
    assert isinstance(stylizer._forward, TracedForward)
    compiled = FrameStylizer(stylizer.network, stylizer.style, CPU, InferenceOptions(compile=True))
    assert not isinstance(compiled._forward, TracedForward)
    plain = FrameStylizer(torch.nn.Conv2d(3, 3, 1).eval(), torch.zeros(1, 1), CPU)  # no trace_key: its forward is unknown
    assert not isinstance(plain._forward, TracedForward)
