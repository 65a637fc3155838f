#!/bin/sh
# The worker's seccomp filter, seen from outside.  regress/prog/
# sandbox-probe puts the filter on itself and then makes one call.  The
# worker-like operations must all pass; each forbidden call must first
# survive without the filter (so the call itself is sound), then kill
# the process with SIGSYS (status 159) right at that call; the probes
# libraries make on their own must fail with their errno, the process
# alive; abort() must still die of SIGABRT.  The probe lists its modes.
. regress/e2e/lib.sh

PROBE=regress/prog/sandbox-probe

if [ ! -x "$PROBE" ]; then
	echo "not ok - $PROBE is not built"
	exit 1
fi
if [ "$("$PROBE" name)" = null ]; then
	echo "skip - sandbox disabled at build time"
	exit 0
fi

gw_setup
# The probe's stand-in for the session log goes here.
TMPDIR=$GW_TMP
export TMPDIR

# probe ARGS...: runs the probe; sets out (its output) and st (status).
# The subshell waits for the probe (the exit keeps it from exec'ing it)
# and its stderr is captured, so the shell's note about a fatal signal
# lands in out rather than on the terminal.
probe() {
	out=$(exec 2>&1; "$PROBE" "$@"; exit $?) && st=0 || st=$?
}

said() {
	case $out in
	*"$1"*) return 0 ;;
	esac
	return 1
}

flat() {
	printf '%s' "$out" | tr '\n' ' '
}

check_allowed() {
	probe "$1"
	if [ "$st" -eq 0 ] && said "allowed: all steps passed"; then
		ok "worker-like operations pass the filter"
	else
		not_ok "worker-like operations pass the filter" \
		    "(status $st: $(flat))"
	fi
}

check_kill() {
	probe -n "$1"
	if [ "$st" -eq 77 ]; then
		ok "$1 # SKIP not on this architecture"
		return
	fi
	if [ "$st" -ne 0 ] || ! said "survived $1"; then
		not_ok "$1 survives without the filter (status $st: $(flat))"
		return
	fi
	probe "$1"
	if [ "$st" -eq 159 ] && said "calling $1" && ! said "survived"; then
		ok "$1 is killed by SIGSYS"
	else
		not_ok "$1 is killed by SIGSYS (status $st: $(flat))"
	fi
}

check_errno() {
	probe "$1"
	if [ "$st" -eq 0 ] && said "denied $1: $2"; then
		ok "$1 fails with $2 and the process lives"
	else
		not_ok "$1 fails with $2 (status $st: $(flat))"
	fi
}

check_abort() {
	probe "$1"
	# 128 + SIGABRT
	if [ "$st" -eq 134 ]; then
		ok "abort() dies of SIGABRT, not of the filter"
	else
		not_ok "abort() dies of SIGABRT (status $st: $(flat))"
	fi
}

gw_check "the probe was built with the seccomp sandbox" \
    [ "$("$PROBE" name)" = seccomp ]

if ! "$PROBE" -l >"$GW_TMP/modes"; then
	not_ok "sandbox-probe -l lists its modes"
	gw_done
fi

# The calls the worker must never make, by name: the list may grow but
# must not lose these.
for m in allowed socket connect open openat openat-write fork clone \
    execve ftruncate lseek ptrace mprotect-exec mmap-exec setuid chroot \
    fcntl-setfl-log; do
	gw_check "the probe knows mode $m" \
	    grep -Eq "^[a-z]+ $m( |\$)" "$GW_TMP/modes"
done

while read -r kind mode err; do
	case $kind in
	allowed) check_allowed "$mode" ;;
	kill) check_kill "$mode" ;;
	errno) check_errno "$mode" "$err" ;;
	abort) check_abort "$mode" ;;
	*) not_ok "mode $mode has an unknown kind '$kind'" ;;
	esac
done <"$GW_TMP/modes"

gw_done
