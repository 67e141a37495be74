"""--precision and --compile: which dtype each engine computes in, and that only the networks' forward passes use it."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import videostyle
from videostyle import load_backbone
from videostyle.dream import DreamOptions
from videostyle.dream.dreamer import Dreamer
from videostyle.errors import OptionError
from videostyle.feedforward import TrainOptions
from videostyle.feedforward.inference import InferenceOptions
from videostyle.objectives import gram
from videostyle.optim.loop import evaluate
from videostyle.precision import compute_dtype
from videostyle.stylize import StyleOptions
from videostyle.stylize.stylizer import Stylizer

CUDA = torch.device("cuda", 0)


@pytest.fixture(scope="module")
def backbone():
    return load_backbone("efficientnet-lite0", "cpu")


@pytest.mark.parametrize(("capability", "gradients", "expected"), [
    ((9, 0), True, torch.bfloat16), ((8, 0), False, torch.bfloat16),
    ((7, 5), True, torch.float32), ((7, 5), False, torch.float16),
])
def test_auto_is_bf16_where_the_gpu_has_it_and_fp16_only_for_inference(monkeypatch, capability, gradients, expected):
    import videostyle.precision as precision

    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    assert compute_dtype("auto", CUDA, gradients) == expected
    monkeypatch.setattr(precision, "cpu_has_bf16_units", lambda: False)
    assert compute_dtype("auto", torch.device("cpu"), gradients) == torch.float32
    monkeypatch.setattr(precision, "cpu_has_bf16_units", lambda: True)  # AMX: bf16 for inference only
    assert compute_dtype("auto", torch.device("cpu"), gradients) == (torch.float32 if gradients else torch.bfloat16)
    assert compute_dtype("bf16", torch.device("cpu"), gradients) == torch.bfloat16


@pytest.mark.parametrize("make", [
    lambda: StyleOptions(precision="fp16"), lambda: DreamOptions(precision="fp16"), lambda: TrainOptions(precision="fp16"),
])
def test_fp16_is_refused_where_gradients_flow_through_the_network(make):
    with pytest.raises(OptionError, match="fp16 is for stylize --model"):
        make()
    assert InferenceOptions(precision="fp16").dtype(torch.device("cpu")) == torch.float16


def test_bf16_backbone_hands_back_fp32_features_close_to_fp32_ones_and_gradients(backbone):
    image = torch.rand(1, 3, 64, 64, requires_grad=True)
    layers = ("block2", "block7")
    exact = backbone.truncated(layers)(image, layers)
    half = backbone.truncated(layers).configure(torch.bfloat16)
    assert half.truncated(["block2"]).dtype == torch.bfloat16  # a cut keeps the precision
    feats = half(image, layers)
    for name in layers:
        assert feats[name].dtype == torch.float32
        error = (feats[name] - exact[name]).norm() / exact[name].norm()
        assert error < 0.05, (name, error)
        g = gram(feats[name])
        assert g.dtype == torch.float32 and torch.isfinite(g).all()
    feats["block7"].square().mean().backward()
    assert image.grad is not None and image.grad.dtype == torch.float32 and torch.isfinite(image.grad).all()


def test_the_engines_configure_their_backbone(backbone):
    style = [torch.rand(1, 3, 32, 32)]
    stylizer = Stylizer(style, StyleOptions(precision="bf16", steps=1), torch.device("cpu"), backbone=backbone)
    assert stylizer.backbone.dtype == torch.bfloat16
    assert backbone.dtype == torch.float32  # the shared backbone is left as it was
    dreamer = Dreamer(DreamOptions(precision="bf16", steps=1, octaves=1, seed=0), "cpu", backbone=backbone)
    assert dreamer.backbone.dtype == torch.bfloat16
    assert Stylizer(style, StyleOptions(steps=1), torch.device("cpu"), backbone=backbone).backbone.dtype == torch.float32


def test_compile_goes_through_torch_compile(backbone, monkeypatch):
    compiled = []

    def fake_compile(fn, **_):
        compiled.append(fn)
        return fn

    monkeypatch.setattr(torch, "compile", fake_compile)
    stylizer = Stylizer([torch.rand(1, 3, 32, 32)], StyleOptions(compile=True), torch.device("cpu"), backbone=backbone)
    assert stylizer.backbone.compiled and len(compiled) == 1
    feats = stylizer.backbone(torch.rand(1, 3, 32, 32), ["block2"])
    assert feats["block2"].dtype == torch.float32
    for _ in stylizer.run(torch.rand(1, 3, 32, 32), steps=1):
        pass
    assert compiled[1:] == [evaluate]  # the step's whole loss, forward and backward, not the backbone alone


def test_only_compiling_calls_torch_compile():
    """One module decides what --compile compiles (the bench/compile_check.py script runs it for real:
    inductor's first compile takes 25-50 s on a 2-core CPU, too long for a test)."""
    package = Path(videostyle.__file__).parent
    callers = [p.relative_to(package).as_posix() for p in package.rglob("*.py") if "torch.compile(" in p.read_text()]
    assert callers == ["compiling.py"]
