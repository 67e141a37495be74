"""The one optimization loop, its image parameterizations and optimizers."""

from .coarse_to_fine import DetailCarry, ResultCarry, coarse_to_fine, renumber
from .loop import Step, optimize
from .optimizers import OPTIMIZERS, OptimizerName, decay, make_optimizer, step_decay
from .params import FourierImage, ImageParam, PixelImage, RatedPixelImage

__all__ = ["DetailCarry", "ResultCarry", "coarse_to_fine", "renumber", "OPTIMIZERS", "FourierImage", "ImageParam", "OptimizerName", "PixelImage", "RatedPixelImage", "Step", "decay", "make_optimizer", "optimize", "step_decay"]
