#!/usr/bin/env bash
# The effectiveness bench in one command (as root): installs what it needs, builds, and runs real scanners against
# a lab server inside network namespaces it creates, under each protection. Every packet stays in those
# namespaces (documentation addresses only); they are deleted at the end, also on failure.
#   bench/effectiveness/run.sh --quick                  # every scenario and protection once (~25 min)
#   bench/effectiveness/run.sh                          # the full run: 20 x syn-t4, 3 x slow ones, 5 x the rest
#   bench/effectiveness/run.sh --scenarios syn-t4,decoys --protections none,portveil-gating --runs 3
# Results: bench/effectiveness/results/results-*.md (tables) and raw-*.jsonl (one line per run).
# Diagnostics (environment): PORTVEIL_EFF_DIAG=DIR keeps a server-side pcap and the daemon's database of every
# PortVeil run in DIR; PORTVEIL_EFF_ALLOW=198.51.100.250/32 allowlists an address of the scanners' /24, so no /24
# ban can happen and every distributed member must be banned on its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ $EUID -ne 0 ]]; then
  echo "run as root (network namespaces, nftables, ipsets - inside the lab only)" >&2
  exit 77
fi
scripts/install-deps.sh
dotnet build bench/PortVeil.Effectiveness -c Release -v quiet -nologo >/dev/null
exec dotnet bench/PortVeil.Effectiveness/bin/Release/net10.0/PortVeil.Effectiveness.dll "$@"
