"""Media input and output: images as tensors, videos as streams of timed RGB frames."""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".atomic": ("atomic_output", "check_writable"),
    ".audio": ("AudioFile", "PcmAudio"),
    ".images": ("MAX_PIXELS", "as_uint8", "frame_to_tensor", "read_image", "tensor_to_float_frame", "tensor_to_frame", "write_image"),
    ".kinds": ("IMAGE_EXTS", "VIDEO_EXTS", "media_kind", "same_kind"),
    ".segments": ("ResumePoint", "SegmentedVideoWriter"),
    ".video_reader": ("Frame", "VideoInfo", "probe_video", "read_frames"),
    ".video_writer": ("X264_PRESETS", "VideoWriter"),
})
