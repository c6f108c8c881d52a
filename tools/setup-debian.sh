#!/bin/sh
# tools/setup-debian.sh: install what darkfig needs on Debian 12 (run as root): the
# toolchain, the libraries it links (GSL, OpenBLAS, libcsv, GLPK; cJSON for the command's
# JSON), Open MPI for darkfig batch on several processes (-DDFG_MPI=ON), valgrind for the
# memory checks, cppcheck, clang and libFuzzer for the fuzz targets (tests/fuzz), and Debian's Python
# packages that execute the notebooks (python3 also checks the JSON in the tests).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
    ca-certificates cmake gcc make pkg-config valgrind clang-format cppcheck clang-14 libfuzzer-14-dev \
    libgsl-dev libopenblas-dev libcsv-dev libglpk-dev libcjson-dev \
    openmpi-bin libopenmpi-dev \
    python3 python3-nbformat python3-nbclient jupyter-nbconvert python3-ipykernel \
    python3-matplotlib python3-pandas
