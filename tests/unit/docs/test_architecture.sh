#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# docs/architecture.md matches the tree, file for file: every source file of
# the layers it maps is named on the page (by its path or, in a table row of
# its directory, by its file name), and every file name the page puts in
# backquotes exists. Build files (local.mk, Kbuild) and the numbered
# hypervisor patches (listed by hypervisor-patch/series) are not named.
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
doc=$top/docs/architecture.md
fail=0
[ -f "$doc" ] || { echo "FAIL: no docs/architecture.md"; exit 1; }

cd "$top"
dirs="include ringbuf netcore frontend backend grant hypervisor-patch toolstack exitcost bench util lab/probes"
files=$(git ls-files $dirs 2>/dev/null || find $dirs -type f 2>/dev/null)
[ -n "$files" ] || { echo "FAIL: no source files found under $top"; exit 1; }
n=0
for f in $files; do
	case $f in
	*/local.mk | */Kbuild | hypervisor-patch/*.patch | */corpus*/* | */*.dict) continue ;;
	esac
	n=$((n + 1))
	b=${f##*/}
	if ! grep -qF "\`$f\`" "$doc" && ! grep -qF "\`$b\`" "$doc"; then
		echo "FAIL: $f is not on docs/architecture.md"
		fail=1
	fi
done

# Every backquoted name with a source-like extension must exist in the tree.
names=$(grep -o '`[A-Za-z0-9_./-]*\.\(c\|h\|sh\|in\|py\)`' "$doc" | tr -d '`' | sort -u)
for nm in $names; do
	if [ -e "$nm" ]; then continue; fi
	all=$(printf '%s\n' $files lab/lib/* lab/*.sh tests/*.sh)
	if ! grep -q "/${nm##*/}\$\|^${nm##*/}\$" <<<"$all"; then
		echo "FAIL: docs/architecture.md names $nm, which is not in the tree"
		fail=1
	fi
done
[ $fail = 0 ] && echo "PASS: docs/architecture.md names all $n source files, and only files that exist"
exit $fail
