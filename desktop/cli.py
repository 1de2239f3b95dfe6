"""Command-line arguments for ``main.py`` (and the frozen program)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from webapp.version import __version__


def _data_dir_option(default: object) -> argparse.ArgumentParser:
    """``--data-dir``, declared once and accepted before or after a subcommand
    (``main.py --data-dir X serve`` and ``main.py serve --data-dir X``). Subcommands get
    ``SUPPRESS`` as their default, so they never overwrite a value given before them."""
    option = argparse.ArgumentParser(add_help=False)
    option.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="use this folder for the library (default: the platform's data folder, or SHELFMARK_DATA_DIR)",
    )
    return option


def number_between(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number in [low, high], or a one-line usage error
    (waitress would take ``--threads 0`` and then never answer, and a port over 65535
    ends in a traceback from the socket layer)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shelfmark",
        description="Shelfmark: a private, offline library and reading journal.",
        parents=[_data_dir_option(None)],
    )
    parser.add_argument("--version", action="version", version=f"Shelfmark {__version__}")
    parser.add_argument(
        "--headless",
        action="store_true",
        help="serve without a window and print the address to open on standard output",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a demo library, filled with made-up books on first use "
        "(in its own data folder unless --data-dir is given)",
    )
    parser.add_argument("--gui", choices=["gtk", "qt"], help="the window toolkit (Linux; default gtk)")
    parser.add_argument("--verbose", action="store_true", help="log more to standard error")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start on a temporary library (or --data-dir), check that the pages answer, exit 0 if all did",
    )
    sub = parser.add_subparsers(dest="command")
    in_subcommand = [_data_dir_option(argparse.SUPPRESS)]
    serve = sub.add_parser(
        "serve", help="run as a multi-user server where everyone signs in", parents=in_subcommand
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=number_between(0, 65535), default=8080, help="port to listen on (default 8080)"
    )
    serve.add_argument("--threads", type=number_between(1, 256), default=8, help="worker threads (default 8)")
    unlock = sub.add_parser(
        "unlock",
        help="remove a forgotten password from a profile of this computer's library",
        description="Remove the password of a desktop profile (the owner's unless PROFILE "
        "is given), for when it is forgotten; set a new one in Settings afterwards.",
        parents=in_subcommand,
    )
    unlock.add_argument("profile", nargs="?", help="the profile's username (default: the owner)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from desktop import launcher, startup_gc

    if args.self_test:
        from desktop.self_test import run_self_test

        startup_gc.resume()  # a check, not a race: collect as usual

        return run_self_test(args.data_dir, args.verbose)
    if args.command == "serve":
        return launcher.run_server(args)
    if args.command == "unlock":
        from desktop.unlock import run_unlock

        startup_gc.resume()
        return run_unlock(args)
    status = launcher.run_desktop(args)
    launcher.exit_despite_stuck_threads(status)
    return status
