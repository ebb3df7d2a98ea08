#!/usr/bin/env bash
# End-to-end test of the desktop app in a real X11 window: Xvfb, no window
# manager, no D-Bus session and so no file chooser portal (the in-app file
# dialog must appear). Driven by the keyboard with xdotool; the app writes its
# visible state to a log (SWITCHBOARD_TEST_STATE_LOG) that this script waits
# on, so there are no fixed sleeps and no pixel coordinates.
#
#   .ci/e2e.sh BINARY OUTPUT_DIR
#
# Needs: xvfb, xdotool, x11-apps (xwd) and netpbm (screenshots on failure).
set -euo pipefail
bin=$(realpath "${1:?binary}")
out=$(mkdir -p "${2:?output dir}" && realpath "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
rm -f "$out"/e2e-*.png
work=$(mktemp -d)
export HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/rt
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY
log=$work/state.log
export SWITCHBOARD_TEST_STATE_LOG=$log
display=":$((200 + RANDOM % 300))"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=$display
for _ in $(seq 100); do
  xdotool getdisplaygeometry >/dev/null 2>&1 && break
  kill -0 "$xvfb" 2>/dev/null || { echo "e2e: Xvfb did not start on $display" >&2; exit 1; }
  sleep 0.1
done
app=
cleanup() {
  if [ -n "$app" ]; then { kill -9 "$app" && wait "$app"; } 2>/dev/null || true; fi
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

shot() { xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng >"$out/$1.png" 2>/dev/null || true; }
fail() {
  echo "e2e: FAILED: $*" >&2
  shot e2e-failure
  echo "--- last state lines:" >&2
  tail -n 8 "$log" >&2 || true
  echo "--- app output:" >&2
  tail -n 20 "$work/app.out" >&2 || true
  exit 1
}
state() { grep '^modal=' "$log" 2>/dev/null | tail -n 1; }
# wait_state REGEX [SECONDS]: until the app's current state matches.
wait_state() {
  local deadline=$((SECONDS + ${2:-30}))
  until state | grep -Eq -- "$1"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "state never matched /$1/ (now: $(state))"
    sleep 0.05
  done
}
# wait_event REGEX [SECONDS]: until an event line matches.
wait_event() {
  local deadline=$((SECONDS + ${2:-30}))
  until grep -Eq -- "^event $1" "$log" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "no event /$1/"
    sleep 0.05
  done
}
start_app() {
  : >"$log"
  "$bin" "$@" >>"$work/app.out" 2>&1 &
  app=$!
  local win
  win=$(timeout 30 xdotool search --sync --onlyvisible --name 'Switchboard' | head -n 1) || fail "no window"
  xdotool windowfocus --sync "$win" 2>/dev/null || true
  wait_state 'modal='
}
key() { xdotool key --clearmodifiers "$@"; }
# answer PATH: type a path into the in-app file dialog and press Enter.
answer() {
  wait_state 'dialog=(Save design|Open design|Export|Import)'
  key ctrl+a
  xdotool type --delay 5 "$1"
  key Return
}
# add LABEL: quick-add a palette item with Shift+A.
add() {
  local n
  n=$(state | sed -E 's/.* nodes=([0-9]+).*/\1/')
  key shift+a
  wait_state 'quick_add=open'
  xdotool type --delay 5 "$1"
  key Return
  wait_state " nodes=$((n + 1)) "
}

echo "e2e: start with the default sample"
start_app
wait_state 'doc="E-commerce checkout — sample" dirty=false'

echo "e2e: File → New, add a client, a service and Postgres, connect them"
key ctrl+n
wait_state 'nodes=0 edges=0'
add Client
add Service
key ctrl+l
wait_state ' edges=1 '
add Postgres
key ctrl+l
wait_state ' edges=2 '
key ctrl+shift+a
wait_state ' workloads=1 '

echo "e2e: run"
key F5
wait_state 'run=shown:[0-9]+ results=open' 120

echo "e2e: export Kubernetes through the in-app dialog"
key ctrl+e
wait_state 'export=open'
key ctrl+s
answer "$work/k8s.yaml"
wait_event "exported $work/k8s.yaml"
grep -q 'kind: Deployment' "$work/k8s.yaml" || fail "the Kubernetes file has no Deployment"
key Escape
wait_state 'export=closed'

echo "e2e: save the design through the in-app dialog"
key ctrl+s
answer "$work/design.json"
wait_state 'doc="design.json" dirty=false'
[ -s "$work/design.json" ] || fail "design.json not written"

echo "e2e: reopen it and compare"
key ctrl+n
wait_state 'nodes=0'
key ctrl+o
answer "$work/design.json"
wait_state 'doc="design.json" dirty=false nodes=3 edges=2 workloads=1 run=none results=closed'
key ctrl+shift+s
answer "$work/again.json"
wait_state 'doc="again.json" dirty=false'
cmp -s "$work/design.json" "$work/again.json" || fail "the reopened design differs from the saved one"

echo "e2e: open a sample: an untitled copy, no results"
key ctrl+o
answer "$root/samples/retry-storm.json"
wait_state 'doc="Retry storm — sample" dirty=false .* run=none results=closed'

echo "e2e: edit, autosave, kill -9, restart: recovery is offered"
add Service
wait_state 'dirty=true'
wait_event autosaved 20
{ kill -9 "$app" && wait "$app"; } 2>/dev/null || true
app=
start_app
wait_state 'modal=recovery'
shot e2e-recovery-offered
echo "e2e: passed in ${SECONDS}s"
