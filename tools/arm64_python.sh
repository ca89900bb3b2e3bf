#!/usr/bin/env bash
# An arm64 (aarch64) Python 3.11 that runs here under qemu-user, for the test
# that runs the arm64 deployment.zip (tests/deploy/test_deploy_zip.py).
#
# Debian's own arm64 packages of python3.11 and what it needs are downloaded
# with apt-get into .local/arm64/ and unpacked there as a root folder; nothing
# is installed on the system, and dpkg's list of architectures is left alone.
# Run it as:  qemu-aarch64 -L .local/arm64/root .local/arm64/root/usr/bin/python3.11
# It needs Debian's apt-get and qemu-user (`apt-get install qemu-user`).
set -euo pipefail
cd "$(dirname "$0")/.."

home=.local/arm64
root=$home/root
python=$root/usr/bin/python3.11
if [ -x "$python" ]; then
    echo "$python"
    exit 0
fi
command -v apt-get >/dev/null || { echo "arm64_python: needs Debian's apt-get" >&2; exit 1; }
command -v qemu-aarch64 >/dev/null \
    || { echo "arm64_python: needs qemu-aarch64 (apt-get install qemu-user)" >&2; exit 1; }

rm -rf "$home"
mkdir -p "$home/lists/partial" "$home/cache/archives/partial"
touch "$home/status"
# A private apt state: only arm64 package lists, and an empty list of installed packages,
# so that apt downloads python3.11 and every library it needs.
apt_options=(
    -o APT::Architecture=arm64 -o APT::Architectures::=arm64
    -o Dir::State::Lists="$PWD/$home/lists" -o Dir::State::Status="$PWD/$home/status"
    -o Dir::Cache="$PWD/$home/cache" -o Debug::NoLocking=1
)
apt-get "${apt_options[@]}" update -qq
apt-get "${apt_options[@]}" install -y -qq --download-only --no-install-recommends python3.11 \
    >/dev/null
partial=$root.partial
mkdir -p "$partial"
for package in "$home"/cache/archives/*.deb; do
    dpkg-deb -x "$package" "$partial"
done
mv "$partial" "$root"
rm -rf "$home/cache" "$home/lists"
qemu-aarch64 -L "$root" "$python" -c 'import platform; assert platform.machine() == "aarch64"'
echo "$python"
