#!/bin/sh
# tools/setup-debian.sh: install what darkfig needs on Debian 12 (run as root).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
    ca-certificates cmake gcc make pkg-config valgrind \
    libgsl-dev libopenblas-dev libcsv-dev libglpk-dev
