"""The names of every named choice an option offers, in a module that loads nothing.

The command line lists them in ``--help`` and checks them before any engine is imported (torch
alone takes seconds to load). Each registry maps the same names to what they build, and
tests/test_names.py checks that both agree.
"""

from __future__ import annotations

BACKBONE_NAMES = ("efficientnet-lite0", "vgg19", "vgg16")
DEFAULT_BACKBONE = "efficientnet-lite0"
FLOW_METHODS = ("dis", "farneback", "raft")
FLOW_PRESETS = ("ultrafast", "fast", "medium")
DEFAULT_FLOW_PRESET = "medium"  # every command's default: the others are for speed on large frames
DEFAULT_X264_PRESET = "faster"
"""x264's speed preset unless --preset says otherwise. At crf 18 ``faster`` costs 30-45 % less CPU than
x264's own default ``medium`` for the same bytes and quality (PSNR-Y within -0.6..+0.1 dB, size -7..+3 %,
on the sample clip, a stylized clip and a hand-held clip, 212-360 lines); at video speed the encoder was a
third of a built-in network's frame on a 2-core CPU (issue 23), and on a GPU it is the slowest stage."""
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
GRADIENT_PRECISIONS = ("auto", "fp32", "bf16")
OPTIMIZER_NAMES = ("adam", "lbfgs", "normalized", "sgd", "rmsprop")
STYLE_LOSS_NAMES = ("gram", "meancov", "smoothed", "sliced")
PALETTE_NAMES = ("mixed", "tones", "linear")
INITS = ("warped", "content", "noise", "previous")
"""warped: a video frame starts from the previous result warped by optical flow (the first frame, and
images, from the content); previous: from the previous result as is; content, noise: every frame afresh."""
PARAMETERIZATIONS = ("pyramid", "pixels")
"""pyramid: Laplacian-pyramid offsets (no colored speckle); pixels: the plain pixels (Gatys)."""
CODEC_NAMES = ("h264", "h265", "prores", "prores4444")
EASE_NAMES = ("linear", "smooth", "hold")
TV_OPERATOR_NAMES = ("naive", "sobel", "sobel_squish")
"""Image-gradient operators of the total-variation prior (objectives.tv)."""
PICTURE_PARAM_NAMES = ("pixels", "fourier")
"""What activation maximization moves: pixels, the plain pixels; fourier, a decorrelated spectrum (Olah et al.)."""
SALIENCY_METHODS = ("gradient", "guided", "deconvnet")
"""Backward rules of the rectifiers in saliency maps and projections: vanilla gradient, guided backprop, deconvnet."""
