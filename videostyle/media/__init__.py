"""Media input and output: images as tensors, videos as streams of timed RGB frames."""

from .atomic import atomic_output, check_writable
from .audio import AudioFile, PcmAudio
from .images import MAX_PIXELS, as_uint8, frame_to_tensor, read_image, tensor_to_float_frame, tensor_to_frame, write_image
from .kinds import IMAGE_EXTS, VIDEO_EXTS, media_kind, same_kind
from .segments import ResumePoint, SegmentedVideoWriter
from .video_reader import Frame, VideoInfo, probe_video, read_frames
from .video_writer import X264_PRESETS, VideoWriter

__all__ = [
    "IMAGE_EXTS",
    "MAX_PIXELS",
    "VIDEO_EXTS",
    "X264_PRESETS",
    "Frame",
    "AudioFile",
    "PcmAudio",
    "ResumePoint",
    "SegmentedVideoWriter",
    "VideoInfo",
    "VideoWriter",
    "as_uint8",
    "atomic_output",
    "check_writable",
    "frame_to_tensor",
    "media_kind",
    "same_kind",
    "probe_video",
    "read_frames",
    "read_image",
    "tensor_to_float_frame",
    "tensor_to_frame",
    "write_image",
]
