#!/usr/bin/env bash
# PortVeil's main job: protect this host. Installs what is needed, builds, and runs the daemon in the foreground
# (`portveil run`) with the configuration at /etc/portveil/portveil.toml (missing: every default) and the SQLite
# database at /var/lib/portveil/portveil.db. Ctrl+C stops it; its kernel bans stay and expire by their timeouts.
#
# With arguments, runs that portveil command instead, e.g.:
#   ./scripts/run.sh analyze ../shared/corpus/s01_nmap_syn_top1000.pcap
#   ./scripts/run.sh run --dry-run
#   ./scripts/run.sh doctor
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

./scripts/install-deps.sh
dotnet publish src/PortVeil.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o out/portveil --nologo -v quiet
if (($# == 0)); then
  set -- run
fi
exec ./out/portveil/portveil "$@"
