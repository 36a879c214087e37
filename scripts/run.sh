#!/usr/bin/env bash
# PortVeil's main job on this machine. For now: build, then analyze a real nmap capture from ../shared/corpus
# (the daemon that protects this host replaces this in a later release). Extra arguments go to `analyze`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

./scripts/install-deps.sh
dotnet publish src/PortVeil.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o out/portveil --nologo -v quiet

corpus=${PORTVEIL_CORPUS:-../shared/corpus}
if (($# == 0)); then
  set -- "$corpus/s01_nmap_syn_top1000.pcap" "$corpus/s07_benign_only.pcap"
fi
status=0
./out/portveil/portveil analyze "$@" || status=$?
case $status in
  0) echo "analyze: no scanners found (exit 0)" ;;
  1) echo "analyze: scanners found (exit 1: this is the expected result for the sample capture)"; status=0 ;;
  *) echo "analyze: bad input (exit $status)" ;;
esac
exit "$status"
