"""Build Shelfmark for the OS this runs on: bundle, self-test, package. One command:

    python build/build.py [--out DIR] [--gui gtk|qt] [--no-package]

1. Renders the icons from the SVG (build/icons.py).
2. Runs PyInstaller on app.spec with its work and dist folders under ``--out``
   (default: ``<temp>/shelfmark-build``), never inside the source tree, so a build
   leaves the checkout as it found it and a second build reuses the first one's cache.
3. Runs the built program's ``--self-test`` and stops if it fails.
4. Packages the bundle: Linux ``.tar.gz`` (with a .desktop file, icons and install.sh)
   and ``.deb`` when dpkg-deb exists; Windows installer with Inno Setup (ISCC);
   macOS ``.dmg`` with hdiutil.

The figures (build time, sizes) are printed and written to ``<out>/summary-<gui>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build.icons import PNG_SIZES, make_icons  # noqa: E402
from webapp.version import __version__  # noqa: E402

NAME = "Shelfmark"
DEFAULT_OUT = Path(tempfile.gettempdir()) / "shelfmark-build"
IS_WIN = sys.platform == "win32"
IS_MAC = sys.platform == "darwin"
#: What the Linux bundle needs from the system (it brings none of the GTK/WebKit stack).
LINUX_DEPENDS = "gir1.2-webkit2-4.1, gir1.2-gtk-3.0, libgirepository-1.0-1"


@dataclass
class BuildResult:
    bundle: Path
    program: Path
    gui: str
    build_seconds: float
    bundle_bytes: int
    packages: dict[str, Path] = field(default_factory=dict)
    package_bytes: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps(asdict(self), default=str, indent=2)


def folder_bytes(path: Path) -> int:
    """Bytes of every file under ``path`` (symlinks not followed), what unpacking takes."""
    return sum(item.lstat().st_size for item in path.rglob("*") if item.is_file() and not item.is_symlink())


def program_in(bundle: Path) -> Path:
    if IS_MAC:
        return bundle / "Contents" / "MacOS" / NAME
    return bundle / (NAME + ".exe" if IS_WIN else NAME)


def check_out_dir(out: Path) -> Path:
    out = out.expanduser().resolve()
    if out.is_relative_to(ROOT) and not out.is_relative_to(ROOT / "build" / "out"):
        raise SystemExit(f"--out {out} is inside the source tree; use a folder outside it (or build/out)")
    return out


def run_pyinstaller(out: Path, gui: str, icons: Path) -> Path:
    dist = out / "dist" / gui
    pyinstaller = [sys.executable, "-m", "PyInstaller", str(ROOT / "app.spec"), "--noconfirm"]
    folders = ["--log-level", "WARN", "--workpath", str(out / "work" / gui), "--distpath", str(dist)]
    spec_options = ["--", "--gui", gui, "--icons", str(icons)]
    subprocess.run([*pyinstaller, *folders, *spec_options], check=True, cwd=ROOT)
    return dist / (NAME + ".app" if IS_MAC else NAME)


def self_test(program: Path) -> None:
    """The built program proves itself on a temporary library (desktop/self_test.py)."""
    result = subprocess.run([str(program), "--self-test"], capture_output=True, text=True, timeout=180)
    print(result.stdout, end="")
    if result.returncode != 0:
        raise SystemExit(f"{program} --self-test failed ({result.returncode}):\n{result.stderr}")


# --- Linux ------------------------------------------------------------------------------


def linux_arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64"}.get(machine, machine)


def package_tarball(bundle: Path, icons: Path, out: Path, suffix: str = "") -> Path:
    """``Shelfmark-<version>/``: the bundle, shelfmark.desktop, hicolor icons, install.sh."""
    top = f"{NAME}-{__version__}"
    archive = out / f"{top}-linux-{linux_arch()}{suffix}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
        for item in sorted(bundle.iterdir()):
            tar.add(item, arcname=f"{top}/{item.name}")
        tar.add(ROOT / "build" / "linux" / "shelfmark.desktop", arcname=f"{top}/shelfmark.desktop")
        tar.add(ROOT / "build" / "linux" / "install.sh", arcname=f"{top}/install.sh")
        for size in PNG_SIZES:
            hicolor = f"{top}/icons/hicolor/{size}x{size}/apps/shelfmark.png"
            tar.add(icons / f"shelfmark-{size}.png", arcname=hicolor)
    return archive


def package_deb(bundle: Path, icons: Path, out: Path) -> Path | None:
    """A .deb that installs under /opt/shelfmark and depends on the system's WebKitGTK."""
    if not shutil.which("dpkg-deb"):
        return None
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True)
    stage = out / "deb"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(bundle, stage / "opt" / "shelfmark", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "shelfmark").symlink_to("/opt/shelfmark/Shelfmark")
    applications = stage / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy(ROOT / "build" / "linux" / "shelfmark.desktop", applications)
    for size in PNG_SIZES:
        target = stage / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy(icons / f"shelfmark-{size}.png", target / "shelfmark.png")
    (stage / "DEBIAN").mkdir()
    installed_kib = folder_bytes(stage) // 1024
    (stage / "DEBIAN" / "control").write_text(
        f"Package: shelfmark\nVersion: {__version__}\nSection: misc\nPriority: optional\n"
        f"Architecture: {arch.stdout.strip()}\nDepends: {LINUX_DEPENDS}\nInstalled-Size: {installed_kib}\n"
        "Maintainer: Shelfmark maintainers <maintainers@shelfmark.invalid>\n"
        "Description: private, offline-first library and reading journal\n"
        " Catalogue the books you own or want, track what you read, and keep notes and\n"
        " reviews, in one SQLite file on your own disk.\n",
        encoding="utf-8",
    )
    deb = out / f"shelfmark_{__version__}_{arch.stdout.strip()}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(deb)],
        check=True,
        capture_output=True,
    )
    shutil.rmtree(stage)
    return deb


# --- Windows and macOS (written for the CI matrix; they cannot run on Linux) ------------


def package_windows(bundle: Path, icons: Path, out: Path) -> Path | None:
    program_files = os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")
    default = Path(program_files) / "Inno Setup 6" / "ISCC.exe"
    iscc = shutil.which("iscc") or (str(default) if default.is_file() else None)
    if iscc is None:
        print("Inno Setup (ISCC.exe) not found: no installer made (choco install innosetup)")
        return None
    defines = [f"/DAppVersion={__version__}", f"/DSourceDir={bundle}", f"/DOutputDir={out}"]
    defines.append(f"/DIconFile={icons / 'shelfmark.ico'}")
    subprocess.run([iscc, *defines, str(ROOT / "build" / "windows" / "shelfmark.iss")], check=True)
    return out / f"{NAME}-{__version__}-windows-x64-setup.exe"


def package_macos(bundle: Path, out: Path) -> Path:
    dmg = out / f"{NAME}-{__version__}-macos-{platform.machine()}.dmg"
    subprocess.run(["sh", str(ROOT / "build" / "macos" / "make-dmg.sh"), str(bundle), str(dmg)], check=True)
    return dmg


def package(bundle: Path, icons: Path, out: Path, gui: str) -> dict[str, Path]:
    if IS_WIN:
        made = {"installer": package_windows(bundle, icons, out)}
    elif IS_MAC:
        made = {"dmg": package_macos(bundle, out)}
    else:
        suffix = "" if gui == "gtk" else f"-{gui}"
        made = {"tar.gz": package_tarball(bundle, icons, out, suffix)}
        if gui == "gtk":
            made["deb"] = package_deb(bundle, icons, out)
    return {kind: path for kind, path in made.items() if path is not None}


def build(out: Path = DEFAULT_OUT, gui: str = "gtk", make_packages: bool = True) -> BuildResult:
    """Everything ``main`` does, for callers that want the result (tests, benchmarks)."""
    out = check_out_dir(out)
    out.mkdir(parents=True, exist_ok=True)
    icons = out / "icons"
    make_icons(icons)
    started = time.perf_counter()
    bundle = run_pyinstaller(out, gui, icons)
    seconds = time.perf_counter() - started
    program = program_in(bundle)
    self_test(program)
    result = BuildResult(bundle, program, gui, round(seconds, 1), folder_bytes(bundle))
    if make_packages:
        result.packages = package(bundle, icons, out, gui)
        result.package_bytes = {kind: path.stat().st_size for kind, path in result.packages.items()}
    (out / f"summary-{gui}.json").write_text(result.as_json(), encoding="utf-8")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"work folder (default {DEFAULT_OUT})")
    parser.add_argument("--gui", choices=["gtk", "qt"], default="gtk", help="Linux toolkit (default gtk)")
    parser.add_argument("--no-package", action="store_true", help="stop after the self-test")
    args = parser.parse_args()
    result = build(args.out, args.gui, make_packages=not args.no_package)
    mib = 1024 * 1024
    print(f"bundle   {result.bundle}  ({result.bundle_bytes / mib:.1f} MiB unpacked)")
    print(f"built in {result.build_seconds:.1f} s (PyInstaller)")
    for kind, path in result.packages.items():
        print(f"{kind:<8} {path}  ({result.package_bytes[kind] / mib:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
