#!/usr/bin/env bash
# The whole test suite, as CI runs it: dependencies, restore, build, every test project, format check.
# Integration tests create their own network namespaces (documentation addresses only) and need root.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

./scripts/install-deps.sh
dotnet restore PortVeil.slnx
dotnet build PortVeil.slnx -c Release --no-restore -warnaserror
dotnet format whitespace PortVeil.slnx --verify-no-changes

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test PortVeil.slnx -c Release --no-build 2>&1 | tee "$log" || status=$?

# One closing line across all test projects: "N passed, N failed, N skipped".
awk '/Passed!|Failed!/ {
  for (i = 1; i <= NF; i++) {
    if ($i == "Failed:") f += $(i+1) + 0
    if ($i == "Passed:") p += $(i+1) + 0
    if ($i == "Skipped:") s += $(i+1) + 0
  }
} END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
