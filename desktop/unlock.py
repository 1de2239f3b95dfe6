"""``shelfmark unlock [PROFILE]``: remove a forgotten profile password (desktop).

There is no mail to send a reset link to, and the password only locks the window: the
library file is readable by whoever runs the program. So the person at the computer
may take the lock off from the command line and set a new password in Settings.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop.launcher import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_SCHEMA,
    complain,
    say,
    under_library_lock,
)

if TYPE_CHECKING:
    from webapp.launch import LaunchSettings


def run_unlock(args: argparse.Namespace) -> int:
    """Under the library's instance lock: a running Shelfmark must not have its
    database changed (and perhaps migrated) by a second process."""
    from webapp.config import DATABASE_FILE
    from webapp.launch import resolve_launch

    settings = resolve_launch(args.data_dir)
    data_dir = settings.data_dir
    if not (data_dir / DATABASE_FILE).is_file():
        complain(f"There is no Shelfmark library in {data_dir}.")
        return EXIT_ERROR
    return under_library_lock(data_dir, "unlock", lambda _lock: _unlock(args, settings))


def _unlock(args: argparse.Namespace, settings: LaunchSettings) -> int:
    from webapp import create_app
    from webapp.launch import (
        ProfileNotFound,
        SchemaError,
        remove_profile_password,
        shutdown,
        upgrade_with_backup,
    )

    data_dir = settings.data_dir
    app = create_app({"MODE": "desktop"}, launch=settings)
    try:
        upgrade_with_backup(app)
        username, had_password = remove_profile_password(app, args.profile)
    except SchemaError as problem:
        complain(str(problem))
        return EXIT_SCHEMA
    except ProfileNotFound as missing:
        known = ", ".join(missing.profiles) or "none"
        complain(f"There is no profile named {missing.name!r} in {data_dir}. Profiles: {known}.")
        return EXIT_ERROR
    finally:
        shutdown(app)
    if had_password:
        say(f"{username} no longer asks for a password. Set a new one in Settings, Password.")
    else:
        say(f"{username} has no password; nothing was changed.")
    return EXIT_OK
