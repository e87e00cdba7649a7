"""Build the unionapp bundle with one command, on the system it is run on:

    python installer/build.py            # dist/unionapp/ (the one-folder bundle)
                                         # + on Linux: dist/unionapp-VERSION-linux-x86_64.tar.gz
                                         # + on Windows: dist/unionapp-VERSION-setup.exe when
                                         #   Inno Setup 6 is installed (see installer/README.md)
    python installer/build.py --no-installer   # the bundle only

Run it with the Python of an environment that has ``pip install -c constraints.txt -e
.[bundle]``. It prints the bundle's size and the build time.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / "unionapp"
WINDOWS = sys.platform == "win32"


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build_bundle() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit("PyInstaller is missing: pip install -c constraints.txt -e .[bundle]")
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                    "--log-level", "WARN", "--distpath", str(DIST), "--workpath", str(WORK),
                    str(INSTALLER / "unionapp.spec")], check=True, cwd=ROOT)


def linux_tarball(ver: str) -> Path:
    """The bundle with its menu entry, icon and a per-user install script, as one tarball."""
    shutil.copy(INSTALLER / "linux" / "unionapp.desktop", BUNDLE / "unionapp.desktop")
    shutil.copy(ROOT / "resources" / "icons" / "unionapp.png", BUNDLE / "unionapp.png")
    shutil.copy(INSTALLER / "linux" / "install.sh", BUNDLE / "install.sh")
    (BUNDLE / "install.sh").chmod(0o755)
    machine = platform.machine().lower() or "x86_64"
    out = DIST / f"unionapp-{ver}-linux-{machine}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(BUNDLE, arcname=f"unionapp-{ver}")
    return out


def inno_compiler() -> Path | None:
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return Path(found)
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES"),
                 os.environ.get("LOCALAPPDATA", "") + r"\Programs"):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").exists():
            return Path(base) / "Inno Setup 6" / "ISCC.exe"
    return None


def windows_installer(ver: str) -> Path | None:
    iscc = inno_compiler()
    if iscc is None:
        print("Inno Setup 6 was not found: the bundle is built, the installer is not "
              "(see installer/README.md).")
        return None
    # The .iss takes what changes from here: the version and where things are.
    subprocess.run([str(iscc), "/Q", f"/DAppVersion={ver}", f"/DBundleDir={BUNDLE}",
                    f"/DRootDir={ROOT}", f"/DOutputDir={DIST}",
                    str(INSTALLER / "windows" / "unionapp.iss")], check=True)
    return DIST / f"unionapp-{ver}-setup.exe"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-installer", action="store_true",
                        help="build the bundle only (no tarball, no setup.exe)")
    args = parser.parse_args()
    ver = version()
    started = time.monotonic()
    build_bundle()
    built = time.monotonic() - started
    print(f"bundle: {BUNDLE} — {folder_size(BUNDLE) / 2**20:.0f} MiB, built in {built:.0f} s")
    if not args.no_installer:
        package = windows_installer(ver) if WINDOWS else linux_tarball(ver)
        if package is not None:
            print(f"package: {package} — {package.stat().st_size / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
