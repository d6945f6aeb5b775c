#!/usr/bin/env bash
# Builds the image from the project's Dockerfile and proves that it serves offline as its non-root user:
# first on its default SQLite database, then on a fresh MariaDB database that its own start-up migrates.
#
# Without a registry or a working `podman run`, the base is Debian bookworm made by debootstrap (cached),
# and the image is entered the way a container engine would: its own user, environment, working directory
# and entry command, chrooted into a container's root filesystem, inside network, mount and PID namespaces
# with nothing but loopback. Prints the image size and the time to /ready. Needs root.
#
#   docker/image_test.sh [all|base|build|run]
#
# IMAGE_TEST_CACHE   where the base tarball is kept (default /var/tmp/fund-ocr-image)
# IMAGE_TEST_WHEELS  a wheel directory pip may use, e.g. one holding torch's CPU build (default /opt/wheels
#                    if it exists); empty: the Dockerfile's default, PyTorch's CPU index
# IMAGE_TEST_PYTHON  a Python with Pillow that drives the probe (default .venv/bin/python)
# IMAGE_TEST_KEEP=1  keep the image afterwards, and cache the build's layers for the next build
#                    (`podman image prune` drops them); a failed run always keeps the image and its logs
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${IMAGE_TEST_CACHE:-/var/tmp/fund-ocr-image}
if [ -z "${IMAGE_TEST_WHEELS+set}" ] && [ -d /opt/wheels ]; then IMAGE_TEST_WHEELS=/opt/wheels; fi
WHEELS=${IMAGE_TEST_WHEELS:-}
PYTHON=${IMAGE_TEST_PYTHON:-$ROOT/.venv/bin/python}
BASE=localhost/fund-ocr-base:bookworm
IMAGE=localhost/fund-ocr:image-test
CONTAINER=fund-ocr-image-test

say() { printf '\n== %s\n' "$*"; }
die() { printf 'image-test: %s\n' "$*" >&2; exit 1; }

tools() {
    [ "$(id -u)" -eq 0 ] || die "needs root (podman, debootstrap, chroot, unshare)"
    local missing=()
    command -v podman >/dev/null || missing+=(podman)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v mariadbd >/dev/null || missing+=(mariadb-server)
    command -v ip >/dev/null || missing+=(iproute2)
    # The probe draws its screenshot in a CJK font.
    ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/truetype/wqy/wqy-*.ttc \
        >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    [ -x "$PYTHON" ] || die "$PYTHON not found: run 'make install' first or set IMAGE_TEST_PYTHON"
}

# A stand-in for python:3.11-slim: Debian bookworm's own python3 is 3.11.
base() {
    local tarball=$CACHE/bookworm-python3.tar
    if [ ! -f "$tarball" ]; then
        say "debootstrap bookworm (once; cached in $tarball)"
        mkdir -p "$CACHE"
        local dir=$CACHE/rootfs.tmp
        rm -rf "$dir"
        debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$dir" \
            http://deb.debian.org/debian >"$CACHE/debootstrap.log"
        rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
        tar -C "$dir" -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$dir"
    fi
    podman image exists "$BASE" || podman import --quiet "$tarball" "$BASE" >/dev/null
    echo "base image $BASE from $tarball"
}

build() {
    # pip inside the build trusts this machine's CA bundle (mounted, never copied into the image) and may use
    # a local wheel directory; neither is baked into the Dockerfile's defaults.
    mkdir -p "$CACHE"
    local layers=false
    [ "${IMAGE_TEST_KEEP:-0}" != 1 ] || layers=true
    local args=(--isolation chroot --network host "--layers=$layers" --format docker
        -f "$ROOT/Dockerfile" -t "$IMAGE" --build-arg "BASE_IMAGE=$BASE"
        -v /etc/ssl/certs:/etc/ssl/certs:ro -v "$CACHE/pip.conf:/etc/pip.conf:ro")
    printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$CACHE/pip.conf"
    if [ -n "$WHEELS" ]; then
        printf 'find-links = /wheels\n' >>"$CACHE/pip.conf"
        args+=(-v "$WHEELS:/wheels:ro" --build-arg TORCH_INDEX_URL=)
    fi
    say "podman build (base $BASE${WHEELS:+, wheels from $WHEELS})"
    local start=$SECONDS
    podman build "${args[@]}" "$ROOT"
    echo "build took $((SECONDS - start)) s"
}

run() {
    podman image exists "$IMAGE" || die "no image $IMAGE: run the build first"
    work=$(mktemp -d /tmp/fund-ocr-image-test.XXXXXX)
    chmod 755 "$work"  # the private mariadbd runs as mysql
    status=1           # until the probe passes, remove_container keeps $work and its logs
    podman rm --force --ignore "$CONTAINER" >/dev/null
    # A created, never started container: the writable root filesystem a container would have.
    podman create --name "$CONTAINER" "$IMAGE" >/dev/null
    trap remove_container EXIT
    rootfs=$(podman mount "$CONTAINER")
    podman image inspect "$IMAGE" >"$work/image.json"
    say "running the image in namespaces with loopback only"
    status=0
    unshare --net --mount --pid --fork --mount-proc="$rootfs/proc" \
        env PYTHONPATH="$ROOT" "$PYTHON" "$ROOT/docker/image_probe.py" --rootfs "$rootfs" --image-json "$work/image.json" --work "$work" \
        || status=$?
    say "files the runs added to the container (podman diff)"
    local added path
    added=$(podman diff "$CONTAINER" | awk '$1 == "A" {print $2}')
    echo "$added"
    while read -r path; do
        if [ -f "$rootfs$path" ] && [ "$(stat -c %s "$rootfs$path")" -gt 1000000 ]; then
            echo "image-test: $path (over 1 MB) appeared at run time: downloaded?" >&2
            status=1
        fi
    done <<<"$added"
    remove_container
    trap - EXIT
    [ "$status" -eq 0 ] || die "the image failed its run; the service's logs are in $work"
    local bytes
    bytes=$(podman image inspect --format '{{.Size}}' "$IMAGE")
    say "image size: $((bytes / 1000000)) MB ($bytes bytes), $IMAGE"
}

remove_container() {
    podman umount "$CONTAINER" >/dev/null 2>&1 || true
    # podman also tries to drop a systemd health-check timer, which this machine has not got: ignore.
    podman rm --force --ignore "$CONTAINER" >/dev/null 2>&1
    [ "$status" -ne 0 ] || rm -rf "${work:?}"
}

cleanup() {
    if [ "${IMAGE_TEST_KEEP:-0}" = 1 ]; then
        echo "kept $IMAGE (IMAGE_TEST_KEEP=1)"
        return
    fi
    podman image rm "$IMAGE" "$BASE" >/dev/null
    echo "removed $IMAGE and $BASE; the base tarball stays in $CACHE"
}

case "${1:-all}" in
    base) tools; base ;;
    build) tools; base; build ;;
    run) tools; run ;;
    all) tools; base; build; run; cleanup ;;
    *) die "usage: $0 [all|base|build|run]" ;;
esac
