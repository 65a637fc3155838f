#!/bin/sh
# run.sh SECONDS FUZZER...: runs each libFuzzer target for SECONDS on a
# scratch copy of its seed corpus (regress/fuzz/corpus/NAME/), and fails
# if any of them finds a crash, a leak, a timeout or undefined behaviour.
set -u
cd "$(dirname "$0")/../.." || exit 1

if [ $# -lt 1 ]; then
	echo "usage: run.sh SECONDS FUZZER..." >&2
	exit 2
fi
secs=$1
shift

# UBSan only reports by default; make it stop, so it counts as a crash.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"

pass=0
fail=0
for f in "$@"; do
	prog=regress/fuzz/${f##*/}
	name=${prog##*/fuzz_}
	work=run/regress/fuzz/$name
	rm -rf "$work"
	mkdir -p "$work/corpus"
	if [ -d "regress/fuzz/corpus/$name" ]; then
		cp -R "regress/fuzz/corpus/$name/." "$work/corpus/"
	fi

	if [ ! -x "$prog" ]; then
		echo "fuzz $name: no program $prog"
		fail=$((fail + 1))
		continue
	fi
	"./$prog" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" \
	    </dev/null >"$work/log" 2>&1 && rc=0 || rc=$?

	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	echo "fuzz $name: ${execs:-0} execs"
	found=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o \
	    -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | head -n 5)
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL fuzz $name (exit $rc)"
		[ -z "$found" ] || echo "$found" | sed 's/^/    artifact: /'
		# The report's head says what went wrong; the rest is frames.
		awk '/==[0-9]+==ERROR|runtime error|ERROR: libFuzzer/ { p = 1 }
		    p && n++ < 40' "$work/log" >"$work/report"
		[ -s "$work/report" ] || tail -n 40 "$work/log" >"$work/report"
		sed 's/^/    /' "$work/report"
	fi
done

echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
