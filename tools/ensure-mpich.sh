#!/usr/bin/env bash
# The MPI tests launch MPICH's mpiexec. Installs MPICH where it is missing and this user may (root with apt-get, as in
# CI on Debian); otherwise says what to install and fails.
set -euo pipefail
command -v mpiexec >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing MPICH (apt-get install mpich) for the MPI tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends mpich >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends mpich >/dev/null; }
  command -v mpiexec >/dev/null 2>&1 && exit 0
fi
echo "the MPI tests need MPICH's mpiexec: install it (Debian/Ubuntu: sudo apt-get install mpich)" >&2
exit 1
