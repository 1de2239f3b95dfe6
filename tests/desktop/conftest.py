from collections.abc import Callable, Iterator

import pytest

from tests.desktop.launching import Launch, launch


@pytest.fixture
def launcher() -> Iterator[Callable[..., Launch]]:
    """Start launches; whatever a test leaves running is killed and its pipes closed."""
    started: list[Launch] = []

    def start(*args, **kwargs) -> Launch:
        launched = launch(*args, **kwargs)
        started.append(launched)
        return launched

    yield start
    for launched in started:
        if launched.process.poll() is None:
            launched.process.kill()
        launched.process.wait()
        for stream in (launched.process.stdout, launched.process.stderr):
            if stream is not None:
                stream.close()
