#!/bin/sh
# Runs the end-to-end tests, regress/e2e/t_*.sh, in sorted order (or the
# ones named), each from the top of the tree under a time limit, and
# prints one closing line: "e2e: N passed, N failed".  GW_TEST_TIMEOUT
# overrides the limit of 300 seconds per test.
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd -P)
logs=$top/run/regress/logs
mkdir -p "$logs"

export LC_ALL=C
if [ $# -eq 0 ]; then
	set -- regress/e2e/t_*.sh
	[ -e "$1" ] || set --
fi

. regress/e2e/lib.sh
root=$(gw_tmp_root)

pass=0
fail=0
for t in "$@"; do
	name=${t##*/}
	name=${name%.sh}
	file=regress/e2e/$name.sh
	log=$logs/$name.log
	if [ ! -f "$file" ]; then
		echo "FAIL $name (no such test)"
		fail=$((fail + 1))
		continue
	fi
	# A test that ignores TERM gets KILL a minute later.
	timeout -k 60 "${GW_TEST_TIMEOUT:-300}" sh "$file" \
	    </dev/null >"$log" 2>&1 && rc=0 || rc=$?
	# Whatever the test left running is a failure of its own.
	if ! gw_sweep "$root/" >>"$log" 2>&1; then
		echo "run.sh: $name left processes running" >>"$log"
		[ "$rc" -ne 0 ] || rc=1
	fi
	if [ "$rc" -eq 0 ]; then
		echo "ok $name"
		pass=$((pass + 1))
	else
		[ "$rc" -ne 124 ] || echo "run.sh: $name timed out" >>"$log"
		echo "FAIL $name (exit $rc)"
		head -n 400 "$log" | sed 's/^/    /'
		[ "$(wc -l <"$log")" -le 400 ] || echo "    ... (see $log)"
		fail=$((fail + 1))
	fi
done

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
