#!/usr/bin/env bash
# The Debian package, end to end: build it from the release binary, validate
# its desktop entry and AppStream metadata, install it with dpkg, run the
# installed binary (version, a headless validate of an installed sample, the
# window started the way the desktop entry starts it, under Xvfb), check that
# a design file's double extension maps to the design MIME type, remove it.
#   .ci/package.sh target/release/switchboard OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$1"
out="$2"
id=dev.switchboard.Switchboard
fail() { echo "package: $*" >&2; exit 1; }

desktop-file-validate "packaging/$id.desktop"
appstreamcli validate --no-net --pedantic "packaging/$id.metainfo.xml" || appstreamcli validate --no-net "packaging/$id.metainfo.xml"
deb="$(packaging/build-deb.sh "$bin" "$out")"
echo "built $deb ($(du -h "$deb" | cut -f1))"

dpkg -i "$deb" >/dev/null
trap 'dpkg -r switchboard >/dev/null 2>&1 || true' EXIT
for f in /usr/bin/switchboard "/usr/share/applications/$id.desktop" "/usr/share/metainfo/$id.metainfo.xml" \
  "/usr/share/mime/packages/$id.xml" "/usr/share/icons/hicolor/256x256/apps/$id.png" \
  "/usr/share/icons/hicolor/scalable/apps/$id.svg" /usr/share/switchboard/samples/ecommerce-checkout.json; do
  [ -e "$f" ] || fail "$f not installed"
done
version="$(/usr/bin/switchboard --version)"
echo "$version"
[[ "$version" =~ ^switchboard\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [0-9a-f]{7,}\)$ ]] || fail "version without a commit: $version"
/usr/bin/switchboard validate --quiet /usr/share/switchboard/samples/ecommerce-checkout.json

# The design MIME type, as the desktop's database sees it after install.
if command -v update-mime-database >/dev/null 2>&1; then
  update-mime-database /usr/share/mime
  db=/usr/share/mime/globs2
  grep -q "application/vnd.switchboard.design+json:\*\.switchboard\.json" "$db" || fail "*.switchboard.json is not in $db"
  if grep -q "application/vnd.switchboard.design+json:\*\.json$" "$db"; then fail "every .json claimed"; fi
fi

# Started as the desktop entry starts it: its Exec line with a file for %f.
exec_line="$(sed -n 's/^Exec=//p' "/usr/share/applications/$id.desktop")"
cmd="${exec_line//%f//usr/share/switchboard/samples/retry-storm.json}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
chmod 700 "$XDG_RUNTIME_DIR"
shot="$out/installed-app.png"
# shellcheck disable=SC2086 # the Exec line is split into words as the desktop does
xvfb-run -a -s "-screen 0 1600x1000x24" $cmd --screenshot "$shot"
python3 .ci/png_not_blank.py "$shot"

dpkg -r switchboard >/dev/null
trap - EXIT
[ ! -e /usr/bin/switchboard ] || fail "removing the package left the binary"
[ ! -e "/usr/share/applications/$id.desktop" ] || fail "removing the package left the desktop entry"
echo "package: installed, ran and removed"
