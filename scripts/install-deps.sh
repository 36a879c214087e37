#!/usr/bin/env bash
# Installs what PortVeil's build, tests and benchmarks need on a fresh Debian machine (run as root).
# Safe to run again: apt skips what is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  nftables libnftables1      # the kernel table PortVeil owns, and the library it drives it through
  systemd util-linux strace  # systemd-analyze verify/security on packaging/portveil.service; setpriv, unshare and
                             # strace check the unit's sandbox and syscall filter in tests where systemd is not PID 1
  iproute2 iputils-ping      # network namespaces and veth pairs for the tests
  nmap masscan hping3        # real scanners, run only inside test namespaces
  tcpdump                    # the analyze throughput baseline, and captures in tests
  iptables ipset             # the effectiveness bench's comparison: the ipset+hashlimit recipe, inside a lab namespace
  netcat-openbsd procps curl # curl: the API test asks `portveil run` inside a lab namespace
  chromium fonts-dejavu-core # the dashboard's browser test (Playwright drives this chromium; it cannot download its own)
  postgresql                 # fleet mode: tests and the propagation benchmark start throwaway clusters (initdb, pg_ctl)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "dotnet SDK 10 is required (Debian: see https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  exit 1
fi

# Kernel modules the tests use; inside containers they may be built in or already loaded.
for m in nf_tables nfnetlink_log veth ip_set xt_set xt_hashlimit; do modprobe "$m" 2>/dev/null || true; done
