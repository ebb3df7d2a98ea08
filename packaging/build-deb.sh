#!/usr/bin/env bash
# Builds the Debian package from a release binary:
#   packaging/build-deb.sh target/release/switchboard OUT_DIR
# The package holds the binary, the desktop entry, the icons, the AppStream
# metadata, the MIME type of design files and the samples. dpkg's triggers
# (shared-mime-info, desktop-file-utils, hicolor-icon-theme) refresh the
# desktop's caches on install, so there are no maintainer scripts.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${1:?usage: build-deb.sh BINARY OUT_DIR}"
out="${2:?usage: build-deb.sh BINARY OUT_DIR}"
id=dev.switchboard.Switchboard

version="$("$bin" --version | awk '{print $2}')"
arch="$(dpkg --print-architecture)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/switchboard_${version}_${arch}"

install -Dm755 "$bin" "$pkg/usr/bin/switchboard"
strip --strip-unneeded "$pkg/usr/bin/switchboard" 2>/dev/null || true
install -Dm644 "$here/$id.desktop" "$pkg/usr/share/applications/$id.desktop"
install -Dm644 "$here/$id.metainfo.xml" "$pkg/usr/share/metainfo/$id.metainfo.xml"
install -Dm644 "$here/$id.mime.xml" "$pkg/usr/share/mime/packages/$id.xml"
install -Dm644 "$here/icons/switchboard.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/$id.svg"
for size in 16 32 48 64 128 256; do
  install -Dm644 "$here/icons/switchboard-$size.png" "$pkg/usr/share/icons/hicolor/${size}x${size}/apps/$id.png"
done
for f in "$root"/samples/*.json; do
  install -Dm644 "$f" "$pkg/usr/share/switchboard/samples/$(basename "$f")"
done
install -Dm644 "$here/copyright" "$pkg/usr/share/doc/switchboard/copyright"
install -Dm644 "$root/assets/fonts/LICENSE-DejaVu.txt" "$pkg/usr/share/doc/switchboard/LICENSE-DejaVu.txt"

# eframe opens the X11, Wayland and OpenGL libraries at run time, so they
# are not in the binary's dynamic section: they are listed here.
installed_kib="$(du -sk "$pkg/usr" | cut -f1)"
mkdir -p "$pkg/DEBIAN"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: switchboard
Version: $version
Architecture: $arch
Maintainer: The Switchboard developers <switchboard@localhost>
Installed-Size: $installed_kib
Depends: libc6 (>= 2.34), libgcc-s1, libx11-6, libxcursor1, libxi6, libxrandr2, libxkbcommon0, libxkbcommon-x11-0, libwayland-client0, libwayland-egl1, libwayland-cursor0, libgl1, libegl1
Recommends: libgl1-mesa-dri, fonts-noto-cjk, xdg-desktop-portal
Section: devel
Priority: optional
Description: design, simulate and export microservice systems
 Switchboard draws microservice systems on a canvas (services, gateways,
 databases, caches, brokers, service registries), estimates the load on
 every node, runs a deterministic discrete-event simulation of latency,
 capacity, failures and resilience policies, and exports the design to
 Docker Compose, Kubernetes, Istio, AsyncAPI, Graphviz and Mermaid. The same
 binary is a command-line tool for CI pipelines.
CONTROL
mkdir -p "$out"
dpkg-deb --build --root-owner-group -Zxz "$pkg" "$out/" >/dev/null
echo "$out/switchboard_${version}_${arch}.deb"
