#!/bin/bash
# SPDX-License-Identifier: MIT
# struct twr_ring is private to ringbuf/: no driver, tool or lab program
# reads its fields (ringbuf/twr_ring.h has the accessors). Fails with the
# offending lines. The ring's own tests and fuzzers are exempt: they check
# the private indices on purpose.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
dirs=()
for d in frontend backend netcore exitcost bench toolstack grant util lab; do
	[ -d "$top/$d" ] && dirs+=("$top/$d")
done
fields='prod_pvt|prod_pub|cons_seen|resv_len|cons_pvt|cons_pub|prod_seen|peek_space|max_payload'
if hits=$(grep -rnE --include='*.c' --include='*.h' \
	"(\.|->)($fields)\b|(\.|->)sh->|\bring_[ab](\.|->)(sh|data|size|mask|error|reason)\b" \
	"${dirs[@]}"); then
	echo "FAIL: struct twr_ring fields used outside ringbuf/ (use its accessors):"
	echo "$hits" | sed "s|$top/||"
	exit 1
fi
echo "PASS: no struct twr_ring field is read outside ringbuf/"
