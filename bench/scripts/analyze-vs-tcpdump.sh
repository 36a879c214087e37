#!/usr/bin/env bash
# analyze throughput against `tcpdump -r FILE -w /dev/null` on the same file, same run, same machine.
# Usage: bench/scripts/analyze-vs-tcpdump.sh [FILE] [RUNS]
# Prints the median wall time of each over RUNS runs, packets/s, and the ratio (goal >= 0.5).
# "analyze (process)" includes .NET start-up and JIT; "analyze (in-process)" is the steady-state figure from
# `portveil-bench analyze-throughput`, which reads and analyses the file repeatedly inside one process.
set -euo pipefail
cd "$(dirname "$0")/../.."
file=${1:-../shared/corpus/s10_nmap_syn_allports.pcap}
runs=${2:-15}
dotnet publish src/PortVeil.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o out/portveil --nologo -v quiet >/dev/null
dotnet build bench/PortVeil.Benchmarks -c Release --nologo -v quiet >/dev/null

median_ms() { # command...
  local times=()
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

packets=$(tcpdump -r "$file" 2>/dev/null | wc -l)
tcpdump_ms=$(median_ms tcpdump -r "$file" -w /dev/null)
analyze_ms=$(median_ms ./out/portveil/portveil analyze --no-progress --json "$file")
inproc=$(dotnet bench/PortVeil.Benchmarks/bin/Release/net10.0/PortVeil.Benchmarks.dll analyze-throughput "$file" 20)
inproc_ms=$(echo "$inproc" | awk '/median_ms/ {print $2}')

awk -v f="$file" -v n="$packets" -v t="$tcpdump_ms" -v a="$analyze_ms" -v i="$inproc_ms" 'BEGIN {
  printf "file: %s (%d packets)\n", f, n
  printf "tcpdump -r FILE -w /dev/null : %8.2f ms  %12.0f packets/s\n", t, n / (t / 1000)
  printf "portveil analyze (process)   : %8.2f ms  %12.0f packets/s  ratio %.2f\n", a, n / (a / 1000), t / a
  printf "portveil analyze (in-process): %8.2f ms  %12.0f packets/s  ratio %.2f\n", i, n / (i / 1000), t / i
}'
