#!/usr/bin/env bash
# The container image's base, from Debian's own packages, for machines that
# reach no image registry (CI): Debian 12's Python 3.11 in a minimal root
# file system, imported as local/python:3.11-bookworm. The Dockerfile's own
# steps run on it unchanged: docker build --build-arg BASE=local/python:3.11-bookworm .
set -euo pipefail
tag=${BASE_TAG:-local/python:3.11-bookworm}
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag is there already"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mmdebstrap --quiet --variant=minbase \
  --include=python3,python3-venv,ca-certificates \
  --aptopt='Acquire::Languages "none"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  bookworm "$work/rootfs.tar"
docker import --change 'ENV LANG=C.UTF-8' "$work/rootfs.tar" "$tag" >/dev/null
echo "$tag built"
