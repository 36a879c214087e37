#!/usr/bin/env bash
# Installs PortVeil as a systemd service on this host (Debian/Ubuntu, run as root from a clone of the repository).
# Read it top to bottom before running it; every step says what it does. Safe to run again: it upgrades the
# program and the unit, and never overwrites your configuration or your API token.
#
#   sudo ./scripts/install.sh
#
# What ends up where (the defaults; each can be changed with the variable named in brackets):
#   /usr/local/lib/portveil/           the published program                    [PREFIX]
#   /usr/local/bin/portveil            a link to it                             [PREFIX]
#   /etc/portveil/portveil.toml        every setting with its default, commented [SYSCONFDIR]
#   /etc/portveil/api.token            the HTTP API token, root only (0600)      [SYSCONFDIR]
#   /var/lib/portveil/                 the SQLite database, root only (0700)     [STATEDIR]
#   /etc/systemd/system/portveil.service  the unit, enabled and started          [UNITDIR]
#
# Staging into another root (packaging, tests): DESTDIR=/tmp/root ./scripts/install.sh puts every file under
# /tmp/root and starts nothing. PORTVEIL_SKIP_DEPS=1 skips apt; PORTVEIL_PUBLISHED=DIR copies an existing
# `dotnet publish` output instead of publishing again.
# Remove it again with `portveil uninstall` (keeps /etc/portveil and /var/lib/portveil unless --purge).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
STATEDIR=${STATEDIR:-/var/lib}
UNITDIR=${UNITDIR:-/etc/systemd/system}

libdir="$PREFIX/lib/portveil"
bindir="$PREFIX/bin"
confdir="$SYSCONFDIR/portveil"
statedir="$STATEDIR/portveil"

step() { printf '==> %s\n' "$*"; }

if [[ -z "$DESTDIR" && $EUID -ne 0 ]]; then
  echo "install.sh: run as root (it writes to $PREFIX, $SYSCONFDIR and $UNITDIR)" >&2
  exit 1
fi

# 1. Packages: nftables and libnftables (the kernel table), nmap for `portveil demo`, and the .NET SDK check.
if [[ "${PORTVEIL_SKIP_DEPS:-0}" != 1 ]]; then
  step "apt packages (scripts/install-deps.sh)"
  ./scripts/install-deps.sh
fi

# 2. The program: a framework-dependent, ReadyToRun publish (starts faster), in its own directory.
step "program -> $DESTDIR$libdir"
mkdir -p "$DESTDIR$libdir" "$DESTDIR$bindir"
if [[ -n "${PORTVEIL_PUBLISHED:-}" ]]; then
  cp -a "$PORTVEIL_PUBLISHED/." "$DESTDIR$libdir/"
else
  dotnet publish src/PortVeil.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$DESTDIR$libdir" --nologo -v quiet
fi
# The link points at the final location, not at DESTDIR, so a staged tree works once copied into place.
ln -sfn "$libdir/portveil" "$DESTDIR$bindir/portveil"
portveil="$DESTDIR$libdir/portveil"

# 3. Configuration: a complete commented file with every default, only if there is none yet.
step "configuration -> $DESTDIR$confdir"
install -d -m 0755 "$DESTDIR$confdir"
if [[ -e "$DESTDIR$confdir/portveil.toml" ]]; then
  echo "    $confdir/portveil.toml exists: kept as it is (see the defaults with: portveil config default)"
else
  tmp=$(mktemp)
  "$portveil" config default >"$tmp"
  install -m 0640 "$tmp" "$DESTDIR$confdir/portveil.toml"
  rm -f "$tmp"
fi

# 4. The API token: 32 random bytes as hex, readable by root only; created once, never replaced.
if [[ -e "$DESTDIR$confdir/api.token" ]]; then
  echo "    $confdir/api.token exists: kept"
else
  (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$DESTDIR$confdir/api.token")
  chmod 0600 "$DESTDIR$confdir/api.token"
fi

# 5. State: the database lives here; nobody but root may read the evidence it keeps.
step "state directory -> $DESTDIR$statedir"
install -d -m 0700 "$DESTDIR$statedir"

# 6. The systemd unit, with this install's paths.
step "unit -> $DESTDIR$UNITDIR/portveil.service"
install -d -m 0755 "$DESTDIR$UNITDIR"
sed -e "s|/usr/local/bin/portveil|$bindir/portveil|g" \
    -e "s|/var/lib/portveil|$statedir|g" \
    -e "s|/etc/portveil/portveil.toml|$confdir/portveil.toml|g" \
    packaging/portveil.service >"$DESTDIR$UNITDIR/portveil.service"
chmod 0644 "$DESTDIR$UNITDIR/portveil.service"

# 7. Enable and start it, when this is a real install on a host that runs systemd.
if [[ -n "$DESTDIR" ]]; then
  echo "    DESTDIR is set: not enabling or starting anything"
elif [[ ! -d /run/systemd/system ]]; then
  # No /run/systemd/system: systemd is not PID 1 (a container, WSL without systemd).
  echo "    systemd is not running here: start PortVeil yourself with: $bindir/portveil run"
else
  step "systemctl enable --now portveil.service"
  systemctl daemon-reload
  systemctl enable --now portveil.service
  systemctl --no-pager --lines=5 status portveil.service || true
fi

step "done. Next: portveil doctor; portveil config check; journalctl -u portveil -f"
