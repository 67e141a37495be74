from videostyle.dream.octaves import MIN_SIDE, octave_sizes


def test_sizes_grow_by_the_scale_up_to_the_image():
    sizes = octave_sizes(300, 450, 4, 1.5)
    assert sizes == [(89, 133), (133, 200), (200, 300), (300, 450)]
    assert octave_sizes(300, 450, 1, 1.5) == [(300, 450)]


def test_pyramid_stops_before_tiny_images():
    sizes = octave_sizes(64, 96, 10, 2.0)
    assert sizes[-1] == (64, 96) and min(sizes[0]) >= MIN_SIDE and len(sizes) == 2
