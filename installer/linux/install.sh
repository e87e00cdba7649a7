#!/bin/sh
# Install unionapp for the current user (no administrator needed): a command in
# ~/.local/bin, a "Công đoàn" entry in the applications menu, and its icon. The program stays
# in this folder; to remove it, run ./install.sh --remove and delete the folder. Your data
# (~/.local/share/unionapp) is never touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
if [ "${1:-}" = "--remove" ]; then
  rm -f "$bin/unionapp" "$data/applications/unionapp.desktop" \
        "$data/icons/hicolor/256x256/apps/unionapp.png"
  echo "Đã gỡ lối tắt. Dữ liệu của bạn vẫn còn trong $data/unionapp."
  exit 0
fi
mkdir -p "$bin" "$data/applications" "$data/icons/hicolor/256x256/apps"
ln -sf "$here/unionapp" "$bin/unionapp"
cp "$here/unionapp.png" "$data/icons/hicolor/256x256/apps/unionapp.png"
# Absolute paths: ~/.local/bin is not on every desktop session's PATH.
sed -e "s|^Exec=.*|Exec=\"$here/unionapp\" |" -e "s|^TryExec=.*|TryExec=$here/unionapp|" \
    "$here/unionapp.desktop" > "$data/applications/unionapp.desktop"
command -v update-desktop-database >/dev/null 2>&1 &&
  update-desktop-database -q "$data/applications" || true
echo "Đã cài: mở \"Công đoàn\" trong danh mục ứng dụng, hoặc gõ: unionapp"
