#!/usr/bin/env bash
# CI's check that the Linux bundle really works: build it (python installer/build.py), unpack
# the tarball into an empty folder, and run THE BUNDLE there — never the source — as a clerk's
# machine would: its own data and settings folders, no Python, no checkout on its path.
#   installer/smoke.sh            build, then check
#   installer/smoke.sh --no-build check the tarball already in dist/
# Needs: the project's .venv (./dev creates it), poppler-utils and LibreOffice (.ci/run
# installs them); xvfb-run, when present, adds a start on a real X server (the xcb plugin).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
started=$SECONDS

step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - started))"; }
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }

if [ "${1:-}" != "--no-build" ]; then
  step "build"
  [ -x "$PY" ] || ./dev --version >/dev/null
  "$PY" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[bundle]" \
    > build-pip.log 2>&1 || { cat build-pip.log; fail "installing PyInstaller"; }
  rm -f build-pip.log
  build_started=$SECONDS
  "$PY" installer/build.py 2>&1 | grep -v -E '^[0-9]+ (INFO|WARNING):'
  echo "build took $((SECONDS - build_started)) s"
fi

version=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
tarball=$(ls dist/unionapp-"$version"-linux-*.tar.gz)
work=$(mktemp -d /tmp/unionapp-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
app=$work/unionapp-$version/unionapp
echo "bundle: $(du -sh "$work/unionapp-$version" | cut -f1) unpacked, tarball $(du -h "$tarball" | cut -f1)"

# A machine of its own: empty data and settings folders, no Python paths, not in the checkout.
export UNIONAPP_DATA_DIR=$work/data UNIONAPP_CONFIG_DIR=$work/config HOME=$work/home
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV UNIONAPP_LANG UNIONAPP_RESOURCES
export QT_QPA_PLATFORM=offscreen
cd "$work"
check() { "$PY" -c "import json, sys; d = json.load(open(sys.argv[1])); $1" "$2" ||
          fail "$3"; }

step "--version"
[ "$("$app" --version)" = "unionapp $version" ] || fail "--version: $("$app" --version)"

step "Vietnamese by default (the catalogue read from the bundle's resources)"
# (Outputs go to files first: with pipefail, grep -q closing the pipe early fails the step.)
"$app" --help > help.txt
grep -q "cơ sở dữ liệu" help.txt || fail "--help is not in Vietnamese"

step "demo (database created in the user's data folder: migrations ran from the bundle)"
"$app" demo
[ -f "$work/data/demo.db" ] || fail "no demo.db in the data folder"

step "members find"
"$app" --demo members find "hang" --json > found.json
check 'assert len(d) >= 1 and all(r["full_name"] for r in d), d' found.json \
  "members find returned nothing"

step "members import of an .ods: parsed in the bundle's child process (--read-sheet-child)"
"$app" --demo members export roster.xlsx
soffice --headless "-env:UserInstallation=file://$work/lo" --convert-to ods roster.xlsx \
  >/dev/null 2>&1 || fail "LibreOffice could not convert the export"
"$app" --demo members import roster.ods --dry-run --json > imported.json
check 'assert d["errors"] == [] and d["unchanged"] == 300 and d["created"] == 0, d' \
  imported.json "the .ods import did not read the roster back unchanged"

step "certificate PDF"
"$app" --demo certificates "15/QĐ-CĐCS" --out cert.pdf
pdffonts cert.pdf | awk 'NR > 2 && $(NF-4) != "yes" { bad = 1 } END { exit bad }' ||
  fail "a font is not embedded in the certificate: $(pdffonts cert.pdf)"
pdftotext cert.pdf cert.txt
grep -q "Quyết định số 15/QĐ-CĐCS" cert.txt || fail "the certificate has no readable Vietnamese text"

step "the parent union's form filled (openpyxl and defusedxml in the bundle)"
"$app" --demo reports make statistics --form "$ROOT/resources/reports/mau-bao-cao-thong-ke-cap-tren.xlsx" \
  --out form.xlsx --json > form.json || [ $? -eq 1 ] || fail "the form could not be filled"
check 'assert d["file"].endswith("form.xlsx") and d["figures"], d' form.json "no figures in the form"
[ -s form.xlsx ] || fail "no filled form"

step "accounts: the chair's account and signing in (Argon2 in the bundle)"
cp "$work/data/demo.db" accounts.db
echo "mat-khau-thu-nghiem" | "$app" --db accounts.db users add chu-tich --role chair > chair.txt ||
  fail "the chair's account could not be made: $(cat chair.txt)"
UNIONAPP_PASSWORD=mat-khau-thu-nghiem "$app" --db accounts.db --user chu-tich users list > users.txt ||
  fail "signing in with the new password failed"
grep -q "chu-tich" users.txt || fail "the account is not listed: $(cat users.txt)"
UNIONAPP_PASSWORD=sai-mat-khau "$app" --db accounts.db --user chu-tich users list > /dev/null 2>&1 &&
  fail "a wrong password was accepted"

step "window: first run offers to create a union or explore the demo (offscreen)"
UNIONAPP_DATA_DIR=$work/fresh "$app" --smoke-seconds 3 > first.json 2> first.err ||
  { cat first.err; fail "the first-run window did not open cleanly"; }
check 'assert any(w["class"] == "FirstRunDialog" for w in d["windows"]), d' first.json \
  "no first-run dialog"

step "window: the demo opens in the main window (offscreen)"
"$app" --demo --smoke-seconds 5 > window.json 2> window.err ||
  { cat window.err; fail "the main window did not open cleanly"; }
check 'assert any(w["class"] == "MainWindow" and "DỮ LIỆU MẪU" in w["title"]
                  for w in d["windows"]), d' window.json "no main window"
check 'assert any(w["class"] == "MainWindow" and w["charts"] == 3 for w in d["windows"]), d' \
  window.json "the home tab drew no charts (is QtCharts in the bundle?)"
! grep -q "Traceback" window.err first.err || fail "a traceback on stderr"

if command -v xvfb-run >/dev/null 2>&1; then
  step "window: on a real X server (the bundle's xcb platform plugin)"
  QT_QPA_PLATFORM=xcb UNIONAPP_SMOKE_SCREENSHOT=${UNIONAPP_SMOKE_SCREENSHOT:-} \
    xvfb-run -a "$app" --demo --smoke-seconds 5 > x11.json 2> x11.err ||
    { cat x11.err; fail "the window did not open on X11"; }
  check 'assert any(w["class"] == "MainWindow" for w in d["windows"]), d' x11.json \
    "no main window on X11"
fi

step "done"
echo "bundle smoke test passed in $((SECONDS - started)) s"
