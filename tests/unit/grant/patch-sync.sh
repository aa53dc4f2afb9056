#!/bin/sh
# SPDX-License-Identifier: MIT
# The I/O task table exists once: grant/iotask.c and grant/iotask.h are the
# source; the hypervisor patch series adds identical copies as
# xen/common/iotask.c and xen/include/xen/iotask.h.  This test fails when
# they differ, or when any patch of the series other than the one adding
# them touches them.
#
#   tests/unit/grant/patch-sync.sh            check (a `make check` test)
#   tests/unit/grant/patch-sync.sh --update   rewrite the patch's copies
#                                             from grant/ after an edit
set -eu

top=$(cd "$(dirname "$0")/../../.." && pwd)
series=$top/hypervisor-patch/series
update=0
[ "${1:-}" = --update ] && update=1

[ -f "$series" ] || { echo "patch-sync: $series missing" >&2; exit 1; }

# The patches of the series, in order.
patches=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$series" | grep -v '^$' |
	sed "s|^|$top/hypervisor-patch/|")

# new_file_body PATCH PATH: the content a "new file" hunk for PATH adds.
new_file_body() {
	awk -v path="$2" '
		/^diff --git / { cur = ($4 == "b/" path); inhunk = 0; next }
		cur && /^@@ -0,0 / { inhunk = 1; next }
		cur && inhunk && /^\+/ { print substr($0, 2); next }
		cur && inhunk && /^\\ No newline/ { next }
		cur && inhunk { inhunk = 0 }
	' "$1"
}

status=0
for pair in "iotask.c:xen/common/iotask.c" "iotask.h:xen/include/xen/iotask.h"; do
	src=$top/grant/${pair%%:*}
	dst=${pair#*:}
	owner=
	for p in $patches; do
		grep -q "^diff --git a/$dst b/$dst\$" "$p" || continue
		if [ -n "$owner" ]; then
			echo "patch-sync: $(basename "$p") changes $dst too; only $(basename "$owner") may" >&2
			status=1
		fi
		owner=$p
	done
	if [ -z "$owner" ]; then
		echo "patch-sync: no patch in the series adds $dst" >&2
		status=1
		continue
	fi

	if [ $update = 1 ]; then
		n=$(wc -l <"$src")
		tmp=$(mktemp)
		awk -v path="$dst" -v src="$src" -v n="$n" '
			/^diff --git / { cur = ($4 == "b/" path); skip = 0 }
			cur && /^@@ -0,0 / {
				print "@@ -0,0 +1," n " @@"
				while ((getline line < src) > 0) print "+" line
				skip = 1; next
			}
			skip && /^[+\\]/ { next }
			{ skip = 0; print }
		' "$owner" >"$tmp"
		mv "$tmp" "$owner"
		echo "patch-sync: rewrote $dst in $(basename "$owner")"
	elif ! new_file_body "$owner" "$dst" | cmp -s - "$src"; then
		echo "patch-sync: $dst in $(basename "$owner") differs from grant/${pair%%:*}:" >&2
		new_file_body "$owner" "$dst" | diff -u - "$src" | head -n 20 >&2 || true
		echo "patch-sync: run tests/unit/grant/patch-sync.sh --update" >&2
		status=1
	fi
done
[ $status = 0 ] && [ $update = 0 ] && echo "patch-sync: the series carries grant/iotask.[ch] unchanged"
exit $status
