"""The one optimization loop, its image parameterizations and optimizers."""

from .loop import Step, optimize
from .optimizers import OPTIMIZERS, OptimizerName, decay, make_optimizer
from .params import ImageParam, PixelImage

__all__ = ["OPTIMIZERS", "ImageParam", "OptimizerName", "PixelImage", "Step", "decay", "make_optimizer", "optimize"]
