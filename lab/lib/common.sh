# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Shared helpers for the lab's host-side scripts: logging, the cache root and a
# private apt configuration.
#
# The private apt (under $TWR_CACHE/apt) sees bookworm, bookworm-updates and
# bookworm-security with main + non-free and deb-src, independent of the host's
# sources.list: version pins and `apt-get source` then give the same answer on
# any Debian 12 machine, and the host's apt configuration is never touched.

TWR_CACHE=${TWR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/twinring}
TWR_MIRROR=${TWR_MIRROR:-http://deb.debian.org/debian}
TWR_SECURITY_MIRROR=${TWR_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
TWR_APT_DIR=$TWR_CACHE/apt
TWR_T0=${TWR_T0:-$(date +%s)}
export TWR_CACHE TWR_T0

# twr_log MSG...: progress line with seconds since the lab command started.
twr_log() {
	printf '[lab %4ss] %s\n' "$(( $(date +%s) - TWR_T0 ))" "$*" >&2
}

twr_die() {
	twr_log "ERROR: $*"
	exit 1
}

# twr_skip MSG: a prerequisite is truly absent (automake SKIP).
twr_skip() {
	twr_log "SKIP: $*"
	exit 77
}

# twr_apt_opts: options that point apt-get/apt-cache at the private apt.
twr_apt_opts() {
	printf '%s\n' \
		"-o" "Dir::Etc::SourceList=$TWR_APT_DIR/etc/sources.list" \
		"-o" "Dir::Etc::SourceParts=$TWR_APT_DIR/etc/sources.list.d" \
		"-o" "Dir::State=$TWR_APT_DIR/state" \
		"-o" "Dir::State::status=$TWR_APT_DIR/state/status" \
		"-o" "Dir::Cache=$TWR_APT_DIR/cache" \
		"-o" "APT::Architecture=amd64" \
		"-o" "APT::Sandbox::User=root" \
		"-o" "Debug::NoLocking=1"
}

# twr_apt_setup: create the private apt and refresh its lists at most once
# an hour (the pins follow bookworm-security as it moves).
twr_apt_setup() {
	local stamp=$TWR_APT_DIR/state/updated
	mkdir -p "$TWR_APT_DIR/etc/sources.list.d" "$TWR_APT_DIR/state/lists/partial" \
		"$TWR_APT_DIR/cache/archives/partial"
	[ -e "$TWR_APT_DIR/state/status" ] || : >"$TWR_APT_DIR/state/status"
	cat >"$TWR_APT_DIR/etc/sources.list.new" <<EOF
deb $TWR_MIRROR bookworm main non-free
deb $TWR_MIRROR bookworm-updates main non-free
deb $TWR_SECURITY_MIRROR bookworm-security main non-free
deb-src $TWR_MIRROR bookworm main
deb-src $TWR_MIRROR bookworm-updates main
deb-src $TWR_SECURITY_MIRROR bookworm-security main
EOF
	if ! cmp -s "$TWR_APT_DIR/etc/sources.list.new" "$TWR_APT_DIR/etc/sources.list"; then
		mv "$TWR_APT_DIR/etc/sources.list.new" "$TWR_APT_DIR/etc/sources.list"
		rm -f "$stamp"
	else
		rm -f "$TWR_APT_DIR/etc/sources.list.new"
	fi
	if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
		local opts
		mapfile -t opts < <(twr_apt_opts)
		apt-get "${opts[@]}" -qq update >/dev/null 2>"$TWR_APT_DIR/update.log" ||
			twr_die "private apt update failed (see $TWR_APT_DIR/update.log)"
		rm -f "$TWR_APT_DIR"/state/nosrc-*
		touch "$stamp"
	fi
}

twr_apt_get() {
	local opts
	mapfile -t opts < <(twr_apt_opts)
	apt-get "${opts[@]}" "$@"
}

twr_apt_cache() {
	local opts
	mapfile -t opts < <(twr_apt_opts)
	apt-cache "${opts[@]}" "$@"
}

# twr_candidate PKG: version apt would install from the private apt.
twr_candidate() {
	twr_apt_cache policy "$1" | awk '/Candidate:/ { print $2 }'
}

# twr_hash FILE...: short content hash, used in cache keys.
twr_hash() {
	cat "$@" | sha256sum | cut -c1-16
}
