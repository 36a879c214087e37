#!/usr/bin/env bash
# The long fuzzing run: every CsCheck parser property (pcap, pcapng, kernel LOG lines, IP decoder, link layers,
# NFLOG netlink messages, TOML config, HTTP API over real Kestrel, address text) for SECONDS each instead of its short count.
# Prints each property's iteration count; a failure prints CsCheck's seed (replay: PORTVEIL_FUZZ_SEED=seed).
#   ./scripts/fuzz.sh [SECONDS_PER_PROPERTY]     (default 40: about 13 minutes for the 18 properties)
set -euo pipefail
cd "$(dirname "$0")/.."
export PORTVEIL_FUZZ_SECONDS="${1:-40}"
export PORTVEIL_FUZZ_LOG
PORTVEIL_FUZZ_LOG=$(mktemp)
trap 'rm -f "$PORTVEIL_FUZZ_LOG"' EXIT

dotnet build test/PortVeil.Sensors.Tests
dotnet build test/PortVeil.Daemon.Tests
dotnet build test/PortVeil.Enforcement.Tests
# One property at a time (no parallel test classes): the counts then say what one core does.
dotnet test test/PortVeil.Sensors.Tests --no-build \
  --filter "FullyQualifiedName~NeverThrowsProperties|FullyQualifiedName~NflogFuzzProperties|FullyQualifiedName~NflogMessageReaderTests.Random|FullyQualifiedName~NflogMessageReaderTests.Mutated" \
  -- xUnit.ParallelizeTestCollections=false
dotnet test test/PortVeil.Daemon.Tests --no-build \
  --filter "FullyQualifiedName~ConfigLoaderProperties|FullyQualifiedName~ApiFuzzProperties" \
  -- xUnit.ParallelizeTestCollections=false
dotnet test test/PortVeil.Enforcement.Tests --no-build --filter "FullyQualifiedName~AddressTextProperties" \
  -- xUnit.ParallelizeTestCollections=false

echo
echo "property	iterations	seconds"
cat "$PORTVEIL_FUZZ_LOG"
