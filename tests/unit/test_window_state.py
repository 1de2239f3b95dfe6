import pytest

from desktop.window_state import load_window_size, save_window_size

DEFAULT, MINIMUM = (1200, 800), (720, 480)


def test_a_saved_size_comes_back(tmp_path) -> None:
    path = tmp_path / "prefs" / "window.json"
    save_window_size(path, (1000, 700))
    assert load_window_size(path, DEFAULT, MINIMUM) == (1000, 700)


@pytest.mark.parametrize(
    "content",
    [
        "",
        "not json",
        "[]",
        '{"width": "wide"}',
        '{"width": 100, "height": 100}',
        '{"width": 1e9, "height": 900}',
    ],
)
def test_anything_odd_falls_back_to_the_default(tmp_path, content) -> None:
    path = tmp_path / "window.json"
    path.write_text(content)
    assert load_window_size(path, DEFAULT, MINIMUM) == DEFAULT


def test_no_file_is_the_default(tmp_path) -> None:
    assert load_window_size(tmp_path / "missing.json", DEFAULT, MINIMUM) == DEFAULT


def test_saving_somewhere_unwritable_does_not_raise(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    save_window_size(blocker / "window.json", (900, 600))  # parent is a file: logged, not raised
    assert blocker.read_text() == "x"
