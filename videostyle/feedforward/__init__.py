"""Feed-forward style transfer: train a style network once, then stylize at network speed.

``iter_train`` learns a network (Johnson et al. 2016) for one or several styles (conditional
instance norm, Dumoulin et al. 2017) and writes a self-describing safetensors model;
``iter_apply_model_file`` applies it to images and videos, videos through a threaded GPU pipeline.
"""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".data": ("TrainBatch",),
    ".files": ("apply_model_file", "iter_apply_model_file"),
    ".inference": ("FrameStylizer", "InferenceOptions"),
    ".johnson.model_file": ("ModelInfo", "load_model", "read_model_info", "save_model"),
    ".johnson.network": ("NetworkConfig", "StyleNetwork", "style_weights"),
    ".options": ("TrainOptions",),
    ".pipeline": ("iter_apply_model_video",),
    ".johnson.train": ("iter_train", "train"),
    ".training_loop": ("TrainProgress",),
})
