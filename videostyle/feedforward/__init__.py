"""Feed-forward style transfer: train a style network once, then stylize at network speed.

``iter_train`` learns a network (Johnson et al. 2016) for one or several styles (conditional
instance norm, Dumoulin et al. 2017) and writes a self-describing safetensors model;
``iter_stylize_file`` applies it to images and videos, videos through a threaded GPU pipeline.
"""

from .data import TrainBatch
from .files import iter_stylize_file, stylize_file
from .inference import FrameStylizer, InferenceOptions
from .model_file import ModelInfo, load_model, read_model_info, save_model
from .network import NetworkConfig, StyleNetwork, style_weights
from .options import TrainOptions
from .pipeline import iter_stylize_video
from .train import TrainProgress, iter_train, train

__all__ = [
    "FrameStylizer",
    "InferenceOptions",
    "ModelInfo",
    "NetworkConfig",
    "StyleNetwork",
    "TrainBatch",
    "TrainOptions",
    "TrainProgress",
    "iter_stylize_file",
    "iter_stylize_video",
    "iter_train",
    "load_model",
    "read_model_info",
    "save_model",
    "stylize_file",
    "style_weights",
    "train",
]
