import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from videostyle.errors import WeightsError  # noqa: E402
from videostyle.feedforward.builtin.onnx_weights import read_graph  # noqa: E402


def _qdq_conv_model(path, weight_q, scale, zero):
    """One Conv whose weight goes through a per-channel DequantizeLinear, like the shipped int8 graphs."""
    inits = [
        numpy_helper.from_array(weight_q, "net/conv/weights"),
        numpy_helper.from_array(scale, "scale"),
        numpy_helper.from_array(zero, "zero"),
        numpy_helper.from_array(np.array([0.5, -1.0], np.float32), "net/conv/bias"),
    ]
    nodes = [
        helper.make_node("DequantizeLinear", ["net/conv/weights", "scale", "zero"], ["w"], axis=0),
        helper.make_node("Conv", ["x", "w", "net/conv/bias"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits,
    )
    onnx.save(helper.make_model(graph), str(path))


def test_int8_weights_are_dequantized_per_output_channel(tmp_path):
    weight_q = np.array([[[[10, -20]]], [[[3, 127]]]], dtype=np.int8)  # (2, 1, 1, 2)
    scale = np.array([0.1, 0.01], np.float32)
    zero = np.array([2, -3], np.int8)
    _qdq_conv_model(tmp_path / "m.onnx", weight_q, scale, zero)
    floats, convs = read_graph(tmp_path / "m.onnx")
    assert [c.name for c in convs] == ["net/conv"]
    expected = (weight_q.astype(np.float32) - zero.reshape(2, 1, 1, 1)) * scale.reshape(2, 1, 1, 1)
    np.testing.assert_allclose(convs[0].weight, expected, rtol=1e-6)
    np.testing.assert_array_equal(convs[0].bias, [0.5, -1.0])
    assert "net/conv/bias" in floats and "net/conv/weights" not in floats  # int8 stays out of the float table


def test_a_damaged_file_is_one_clear_error(tmp_path):
    (tmp_path / "bad.onnx").write_bytes(b"not a protobuf at all \x00\xff")
    with pytest.raises(WeightsError, match="reinstall"):
        read_graph(tmp_path / "bad.onnx")
