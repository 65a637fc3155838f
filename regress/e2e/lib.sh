# Harness for the end-to-end tests, sourced by regress/e2e/t_*.sh from
# the top of the tree.  A test calls gw_setup first; everything it starts
# lives under its private $GW_TMP and is stopped by gw_cleanup on exit,
# whether the test passes, fails or is interrupted.  scripts/demo sources
# this file too, with GW_TMP set and no trap (see gw_tmp_init).
#
# Environment: GW_KEEP=1 keeps $GW_TMP after the test; GW_GATEWAYD names
# another gatewayd binary; GW_STOP_WAIT bounds gw_stop (seconds); DB_TLS=1
# makes db_start give MariaDB the gw_certs certificate; DB_EXTRA_ARGS adds
# options to mariadbd's command line (split at blanks).

umask 022

GW_TOP=${GW_TOP:-$(pwd -P)}
if [ ! -f "$GW_TOP/regress/e2e/lib.sh" ]; then
	echo "lib.sh: run from the top of the gatewayd tree" >&2
	exit 1
fi
export GW_TOP

GW_ISSUER=https://gatewayd.invalid/demo
GW_AUDIENCE=gatewayd
GW_PY=/usr/bin/python3
export GW_ISSUER GW_AUDIENCE

_gw_ntest=0
_gw_nfail=0
_gw_cleaned=

# Where per-test directories go: under /tmp, which every user can
# traverse (the broker's user must reach its state directory, and a
# checkout may sit below a private directory), and short enough for Unix
# socket paths (107 bytes).
# One root per checkout, so that two trees can run their tests at once.
gw_tmp_root() {
	echo "/tmp/gatewayd-e2e.$(id -u).$(echo "$GW_TOP" | cksum | cut -d' ' -f1)"
}

# --- processes -------------------------------------------------------

# True if PID exists and is not a zombie.
_gw_alive() {
	_gw_st=
	{ read -r _gw_st <"/proc/$1/stat"; } 2>/dev/null || return 1
	_gw_st=${_gw_st##*) }
	case $_gw_st in
	Z* | X* | "") return 1 ;;
	esac
	return 0
}

# Waits up to $2 seconds for PID $1 to go.  The caller reaps it, if it
# is a child, to learn its status.
_gw_wait_gone() {
	_gw_n=$(($2 * 10))
	while _gw_alive "$1"; do
		[ "$_gw_n" -gt 0 ] || return 1
		_gw_n=$((_gw_n - 1))
		sleep 0.1
	done
	return 0
}

# gw_wait_gone PID SECONDS: true once PID has exited.
gw_wait_gone() {
	_gw_wait_gone "$1" "$2"
}

# TERM, then KILL after $2 seconds.  Returns 1 if KILL was needed.
_gw_terminate() {
	_gw_alive "$1" || { wait "$1" 2>/dev/null || true; return 0; }
	kill -s TERM "$1" 2>/dev/null || true
	_gw_rv=0
	if ! _gw_wait_gone "$1" "$2"; then
		kill -s KILL "$1" 2>/dev/null || true
		_gw_wait_gone "$1" 5 || true
		_gw_rv=1
	fi
	wait "$1" 2>/dev/null || true
	return "$_gw_rv"
}

# Prints the pids whose command line mentions $1.  Matching is done in
# the shell, so no helper's own arguments can match.
gw_procs_under() {
	for _gw_f in /proc/[0-9]*/cmdline; do
		_gw_p=${_gw_f#/proc/}
		_gw_p=${_gw_p%/cmdline}
		[ "$_gw_p" != "$$" ] || continue
		_gw_c=$(tr '\0' ' ' 2>/dev/null <"$_gw_f") || continue
		case $_gw_c in
		*"$1"*) echo "$_gw_p" ;;
		esac
	done
}

# Kills whatever still runs from directory $1 (and the process groups it
# leads).  Prints what it found; returns 1 if anything was left.
gw_sweep() {
	_gw_left=$(gw_procs_under "$1")
	[ -n "$_gw_left" ] || return 0
	for _gw_p in $_gw_left; do
		echo "leftover process: $(ps -o pid=,args= -p "$_gw_p")" >&2
		kill -s KILL -- "-$_gw_p" 2>/dev/null || true
		kill -s KILL "$_gw_p" 2>/dev/null || true
	done
	for _gw_p in $_gw_left; do
		_gw_wait_gone "$_gw_p" 5 || true
		wait "$_gw_p" 2>/dev/null || true
	done
	return 1
}

# Registers more pids for gw_cleanup to stop.
gw_track() {
	for _gw_p in "$@"; do
		echo "$_gw_p" >>"$GW_TMP/.pids"
	done
}

# --- setup and cleanup -----------------------------------------------

# Makes the fixed parts of $GW_TMP, which must be set and exist.
gw_tmp_init() {
	if [ -z "${GW_TMP:-}" ] || [ ! -d "$GW_TMP" ]; then
		echo "gw_tmp_init: GW_TMP is not a directory" >&2
		return 1
	fi
	# The broker, as _gwbroker, reaches its state directory through here.
	chmod 0755 "$GW_TMP"
	mkdir -p "$GW_TMP/libexec"
	GW_LIBEXEC=$GW_TMP/libexec
	# Symlinks, so that a test can put another program in their place.
	[ -e "$GW_LIBEXEC/gatewayd-broker" ] ||
	    ln -sf "$GW_TOP/broker/gatewayd-broker" "$GW_LIBEXEC/"
	[ -e "$GW_LIBEXEC/gatewayd-worker" ] ||
	    ln -sf "$GW_TOP/worker/gatewayd-worker" "$GW_LIBEXEC/"
	export GW_TMP GW_LIBEXEC
}

gw_setup() {
	_gw_root=$(gw_tmp_root)
	mkdir -p "$_gw_root"
	_gw_name=$(basename "$0" .sh)
	GW_TMP=$(mktemp -d "$_gw_root/$_gw_name.XXXXXX") || exit 1
	export GW_TMP
	trap '_gw_on_exit' EXIT
	trap '_gw_on_signal 130' INT
	trap '_gw_on_signal 143' TERM
	gw_tmp_init || exit 1
}

_gw_on_exit() {
	_gw_rc=$?
	[ "$_gw_rc" -eq 0 ] || _gw_show_logs
	_gw_cleanup
	exit "$_gw_rc"
}

# Interrupted, typically by the runner's time limit.
_gw_on_signal() {
	trap - EXIT
	echo "# interrupted" >&2
	_gw_show_logs
	_gw_cleanup
	exit "$1"
}

_gw_show_logs() {
	[ -z "$_gw_cleaned" ] && [ -n "${GW_TMP:-}" ] || return 0
	_gw_show "$GW_TMP/gatewayd.log"
	_gw_show "$GW_TMP/db/err.log"
}

_gw_show() {
	[ -s "$1" ] || return 0
	echo "--- last lines of $1" >&2
	tail -n 60 "$1" >&2
}

# Stops everything the test started and removes $GW_TMP.  Safe to call
# more than once.
gw_cleanup() {
	_gw_cleanup
}

_gw_cleanup() {
	[ -z "$_gw_cleaned" ] || return 0
	_gw_cleaned=1
	[ -n "${GW_TMP:-}" ] || return 0

	if [ -n "${GW_PID:-}" ]; then
		gw_stop >/dev/null 2>&1 || true
	fi
	if [ -f "$GW_TMP/.pids" ]; then
		while read -r _gw_p; do
			_gw_terminate "$_gw_p" 10 || true
		done <"$GW_TMP/.pids"
	fi
	db_stop || true
	gw_sweep "$GW_TMP" || echo "gw_cleanup: killed leftovers" >&2

	if [ "${GW_KEEP:-0}" = 1 ]; then
		echo "# kept $GW_TMP" >&2
		return 0
	fi
	case $GW_TMP in
	"$(gw_tmp_root)"/*) rm -rf "$GW_TMP" ;;
	esac
}

# --- users and directories -------------------------------------------

gw_users() {
	for _gw_u in _gwworker _gwbroker; do
		id -u "$_gw_u" >/dev/null 2>&1 && continue
		useradd --system --no-create-home \
		    --shell /usr/sbin/nologin "$_gw_u" || return 1
	done
	GW_EMPTY=$GW_TMP/empty
	mkdir -p "$GW_EMPTY"
	chown root:root "$GW_EMPTY"
	chmod 0755 "$GW_EMPTY"
	if [ -n "$(ls -A "$GW_EMPTY")" ]; then
		echo "gw_users: $GW_EMPTY is not empty" >&2
		return 1
	fi
	export GW_EMPTY
}

free_port() {
	"$GW_PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# --- MariaDB ---------------------------------------------------------

db_start() {
	_gw_db=$GW_TMP/db
	rm -rf "$_gw_db"
	mkdir -p "$_gw_db"
	DB_SOCKET=$_gw_db/sock
	DB_HOST=127.0.0.1
	export DB_SOCKET DB_HOST

	if ! mariadb-install-db --no-defaults --datadir="$_gw_db/data" \
	    --user=root --auth-root-authentication-method=socket \
	    --skip-test-db >"$_gw_db/install.log" 2>&1; then
		cat "$_gw_db/install.log" >&2
		return 1
	fi

	set --
	if [ "${DB_TLS:-0}" = 1 ]; then
		set -- --ssl-ca="$GW_CA" --ssl-cert="$GW_CERT" \
		    --ssl-key="$GW_KEY"
	fi
	# shellcheck disable=SC2086 # meant to split into options
	set -- "$@" ${DB_EXTRA_ARGS:-}

	# The free port may be taken before mariadbd binds it: retry.
	for _gw_try in 1 2 3; do
		DB_PORT=$(free_port) || return 1
		export DB_PORT
		: >"$_gw_db/err.log"
		# The demo runs it in a session of its own, so that it
		# outlives the shell that started it.
		if [ "${GW_DB_SETSID:-0}" = 1 ]; then
			setsid mariadbd --no-defaults --datadir="$_gw_db/data" \
			    --socket="$DB_SOCKET" --pid-file="$_gw_db/pid" \
			    --port="$DB_PORT" --bind-address=127.0.0.1 \
			    --user=root --skip-name-resolve --skip-log-bin \
			    --log-error="$_gw_db/err.log" "$@" \
			    </dev/null >/dev/null 2>&1 &
		else
			mariadbd --no-defaults --datadir="$_gw_db/data" \
			    --socket="$DB_SOCKET" --pid-file="$_gw_db/pid" \
			    --port="$DB_PORT" --bind-address=127.0.0.1 \
			    --user=root --skip-name-resolve --skip-log-bin \
			    --log-error="$_gw_db/err.log" "$@" \
			    </dev/null >/dev/null 2>&1 &
		fi
		DB_PID=$!
		echo "$DB_PID" >"$_gw_db/mariadbd.pid"
		export DB_PID

		_gw_end=$(($(date +%s) + 30))
		while :; do
			if mariadb-admin --no-defaults --socket="$DB_SOCKET" \
			    -uroot --connect-timeout=2 ping \
			    >/dev/null 2>&1; then
				break 2
			fi
			if ! _gw_alive "$DB_PID"; then
				wait "$DB_PID" 2>/dev/null || true
				break
			fi
			if [ "$(date +%s)" -ge "$_gw_end" ]; then
				echo "db_start: no answer in 30 s" >&2
				_gw_show "$_gw_db/err.log"
				return 1
			fi
			sleep 0.1
		done
		grep -q 'already in use' "$_gw_db/err.log" || break
	done
	if ! _gw_alive "$DB_PID"; then
		echo "db_start: mariadbd exited" >&2
		_gw_show "$_gw_db/err.log"
		return 1
	fi

	db_load_shop || return 1

	# The gateway's admin account: what minting and revoking need, and
	# for the sweep and the drop events (see broker/mint.h) the names
	# of accounts and the schema gatewayd.
	DB_ADMIN_USER=gwadmin
	DB_ADMIN_PASSWORD=$(openssl rand -hex 16)
	export DB_ADMIN_USER DB_ADMIN_PASSWORD
	_gw_a="'$DB_ADMIN_USER'@'127.0.0.1', '$DB_ADMIN_USER'@'localhost'"
	db_sql "
	    CREATE USER '$DB_ADMIN_USER'@'127.0.0.1'
		IDENTIFIED BY '$DB_ADMIN_PASSWORD';
	    CREATE USER '$DB_ADMIN_USER'@'localhost'
		IDENTIFIED BY '$DB_ADMIN_PASSWORD';
	    GRANT CREATE USER, PROCESS, CONNECTION ADMIN, RELOAD ON *.*
		TO $_gw_a;
	    GRANT ALL ON shop.* TO $_gw_a WITH GRANT OPTION;
	    GRANT SELECT (User, Host) ON mysql.user TO $_gw_a;
	    GRANT CREATE, EVENT ON gatewayd.* TO $_gw_a;" || return 1

	(
		umask 077
		printf '[client]\nuser=%s\npassword=%s\n' \
		    "$DB_ADMIN_USER" "$DB_ADMIN_PASSWORD" >"$GW_TMP/admin.cnf"
	)
	chmod 0600 "$GW_TMP/admin.cnf"
}

# Stops the MariaDB that db_start started, if any.
db_stop() {
	_gw_p=${DB_PID:-}
	if [ -z "$_gw_p" ] && [ -f "$GW_TMP/db/mariadbd.pid" ]; then
		_gw_p=$(cat "$GW_TMP/db/mariadbd.pid")
	fi
	[ -n "$_gw_p" ] || return 0
	_gw_terminate "$_gw_p" 30 || echo "db_stop: mariadbd killed" >&2
	DB_PID=
	rm -f "$GW_TMP/db/mariadbd.pid"
}

# Runs SQL ("$*", or stdin without arguments) as root over the socket;
# prints rows tab separated, without column names.
db_sql() {
	if [ $# -eq 0 ]; then
		mariadb --no-defaults -N -B --socket="$DB_SOCKET" -uroot
	else
		mariadb --no-defaults -N -B --socket="$DB_SOCKET" -uroot \
		    -e "$*"
	fi
}

db_load_shop() {
	db_sql <<'EOF'
CREATE DATABASE shop;
USE shop;
CREATE TABLE customers (
	id INT PRIMARY KEY,
	name VARCHAR(64) NOT NULL,
	email VARCHAR(128),
	ssn CHAR(11),
	phone VARCHAR(32),
	card VARCHAR(19)
);
CREATE TABLE orders (
	id INT PRIMARY KEY,
	customer_id INT NOT NULL,
	total DECIMAL(10,2) NOT NULL,
	note VARCHAR(255)
);
INSERT INTO customers VALUES
	(1, 'Ada Example', 'ada@example.com', '123-45-6789',
	    '+1 555 0100', '4111111111111111'),
	(2, 'Bo Sample', 'bo@example.net', '987-65-4321',
	    '+1 555 0101', '5500005555555559'),
	(3, 'Cy Placeholder', 'cy@example.org', '555-12-3456',
	    '+44 20 7946 0000', '340000000000009');
INSERT INTO orders VALUES
	(1, 1, 19.99, 'first order'),
	(2, 1, 5.00, NULL),
	(3, 2, 120.50, 'gift wrap'),
	(4, 3, 42.00, 'call before delivery');
EOF
}

# --- keys and certificates -------------------------------------------

gw_certs() {
	_gw_tls=$GW_TMP/tls
	mkdir -p "$_gw_tls"
	chmod 0755 "$_gw_tls"
	cat >"$_gw_tls/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	(
		set -e
		umask 077
		cd "$_gw_tls"
		exec 2>openssl.log
		openssl req -x509 -new -config openssl.cnf \
		    -extensions v3_ca -newkey ec \
		    -pkeyopt ec_paramgen_curve:P-256 -noenc \
		    -keyout ca.key -out ca.crt -days 30 \
		    -subj "/CN=gatewayd test CA"
		openssl req -new -config openssl.cnf -newkey ec \
		    -pkeyopt ec_paramgen_curve:P-256 -noenc \
		    -keyout server.key -out server.csr -subj "/CN=localhost"
		openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key \
		    -set_serial "0x$(openssl rand -hex 8)" -days 30 \
		    -extfile openssl.cnf -extensions v3_server \
		    -out server.crt
		openssl genpkey -algorithm EC \
		    -pkeyopt ec_paramgen_curve:P-256 -out token.key
		chmod 0644 ca.crt server.crt
		chmod 0600 ca.key server.key token.key
	) || {
		cat "$_gw_tls/openssl.log" >&2
		return 1
	}
	GW_CA=$_gw_tls/ca.crt
	GW_CERT=$_gw_tls/server.crt
	GW_KEY=$_gw_tls/server.key
	GW_TOKEN_KEY=$_gw_tls/token.key
	GW_JWKS=$GW_TMP/jwks.json
	export GW_CA GW_CERT GW_KEY GW_TOKEN_KEY GW_JWKS
	"$GW_TOP/scripts/gw-token" --jwks "$GW_TOKEN_KEY" >"$GW_JWKS" ||
	    return 1
	chmod 0644 "$GW_JWKS"
}

# gw_token [gw-token options] SUBJECT GROUPS [TTL]
gw_token() {
	"$GW_TOP/scripts/gw-token" --key "$GW_TOKEN_KEY" \
	    --issuer "$GW_ISSUER" --audience "$GW_AUDIENCE" "$@"
}

# --- gatewayd --------------------------------------------------------

# Writes $GW_TMP/gatewayd.conf; text on stdin (when it is not a
# terminal) is appended.  $GW_SHOP_EXTRA is added inside connection
# "shop", for tests that need rules or masks there.
gw_conf() {
	[ -n "${GW_EMPTY:-}" ] || gw_users || return 1
	[ -n "${GW_PORT:-}" ] || GW_PORT=$(free_port) || return 1
	export GW_PORT

	mkdir -p "$GW_TMP/log" "$GW_TMP/state"
	chown root:root "$GW_TMP/log"
	chmod 0700 "$GW_TMP/log"
	chown _gwbroker: "$GW_TMP/state"
	chmod 0700 "$GW_TMP/state"

	_gw_conf=$GW_TMP/gatewayd.conf
	(umask 077 && : >"$_gw_conf")
	chmod 0600 "$_gw_conf"
	cat >>"$_gw_conf" <<EOF
user "_gwworker"
broker user "_gwbroker"
log directory "$GW_TMP/log"
state directory "$GW_TMP/state"
control socket "$GW_TMP/ctl.sock"
chroot "$GW_EMPTY"

listen on 127.0.0.1 port $GW_PORT tls {
	certificate "$GW_CERT"
	key "$GW_KEY"
}

identity "local" {
	issuer "$GW_ISSUER"
	audience "$GW_AUDIENCE"
	jwks file "$GW_JWKS"
	algorithms ES256
}

connection "shop" {
	server "127.0.0.1" port $DB_PORT
	admin credentials "$GW_TMP/admin.cnf"

	grant "read" to group "analysts" {
		select on "shop.*"
		max 1h
	}
EOF
	if [ -n "${GW_SHOP_EXTRA:-}" ]; then
		printf '%s\n' "$GW_SHOP_EXTRA" >>"$_gw_conf"
	fi
	echo "}" >>"$_gw_conf"
	if [ ! -t 0 ]; then
		cat >>"$_gw_conf"
	fi
}

# Starts gatewayd in the background, in a process group of its own, and
# waits until it says it is ready.  Arguments go to gatewayd.
# shellcheck disable=SC2120 # callers may pass none
gw_start() {
	_gw_bin=${GW_GATEWAYD:-$GW_TOP/gatewayd/gatewayd}
	: >"$GW_TMP/gatewayd.log"
	# Without the test's copy of the admin password in its environment:
	# tests look for that password in the daemons' memory.
	setsid env -u DB_ADMIN_PASSWORD "$_gw_bin" -d -v \
	    -f "$GW_TMP/gatewayd.conf" \
	    -x "$GW_LIBEXEC" "$@" </dev/null >>"$GW_TMP/gatewayd.log" 2>&1 &
	GW_PID=$!
	export GW_PID
	echo "$GW_PID" >"$GW_TMP/gatewayd.pid"

	_gw_end=$(($(date +%s) + 20))
	while ! grep -q 'ready:' "$GW_TMP/gatewayd.log"; do
		if ! _gw_alive "$GW_PID"; then
			wait "$GW_PID" 2>/dev/null && _gw_rc=0 || _gw_rc=$?
			echo "gw_start: gatewayd exited ($_gw_rc)" >&2
			cat "$GW_TMP/gatewayd.log" >&2
			GW_PID=
			return 1
		fi
		if [ "$(date +%s)" -ge "$_gw_end" ]; then
			echo "gw_start: not ready in 20 s" >&2
			cat "$GW_TMP/gatewayd.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

# Stops gatewayd: TERM, then KILL of its whole process group.  GW_EXIT
# is its exit status; returns 1 if it had to be killed.
gw_stop() {
	[ -n "${GW_PID:-}" ] || return 0
	_gw_rv=0
	if _gw_alive "$GW_PID"; then
		kill -s TERM "$GW_PID" 2>/dev/null || true
		if ! _gw_wait_gone "$GW_PID" "${GW_STOP_WAIT:-30}"; then
			echo "gw_stop: gatewayd did not stop, killing" >&2
			_gw_rv=1
		fi
	fi
	# Children that outlived it, or all of them after a timeout.
	kill -s KILL -- "-$GW_PID" 2>/dev/null || true
	wait "$GW_PID" 2>/dev/null && GW_EXIT=0 || GW_EXIT=$?
	export GW_EXIT
	GW_PID=
	rm -f "$GW_TMP/gatewayd.pid"
	return "$_gw_rv"
}

# gw_log_wait PATTERN [SECONDS]: waits for an extended regex in the log.
gw_log_wait() {
	_gw_end=$(($(date +%s) + ${2:-10}))
	while ! grep -Eq -- "$1" "$GW_TMP/gatewayd.log" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$_gw_end" ]; then
			echo "gw_log_wait: no line matching '$1'" >&2
			return 1
		fi
		sleep 0.1
	done
}

# --- results ---------------------------------------------------------

ok() {
	_gw_ntest=$((_gw_ntest + 1))
	echo "ok $_gw_ntest - $*"
}

not_ok() {
	_gw_ntest=$((_gw_ntest + 1))
	_gw_nfail=$((_gw_nfail + 1))
	echo "not ok $_gw_ntest - $*"
	# Subshells cannot raise the count; leave a mark for gw_done.
	[ -z "${GW_TMP:-}" ] || : >"$GW_TMP/.not_ok"
}

# gw_check MSG COMMAND...: ok or not_ok by the command's status.
gw_check() {
	_gw_msg=$1
	shift
	if "$@"; then
		ok "$_gw_msg"
	else
		not_ok "$_gw_msg"
	fi
}

gw_done() {
	echo "1..$_gw_ntest"
	if [ "$_gw_nfail" -gt 0 ] || [ -f "${GW_TMP:-/nonexistent}/.not_ok" ]
	then
		exit 1
	fi
	exit 0
}

# --- common shapes ---------------------------------------------------

# The usual start: users, MariaDB, certificates, the default
# configuration (plus stdin, if any, as gw_conf takes it) and gatewayd.
gw_up() {
	gw_users && db_start && gw_certs && gw_conf && gw_start "$@"
}

# gw_mariadb ARGS...: the mariadb client through the gateway, over TLS
# with the certificate verified, tab-separated and without headers.
gw_mariadb() {
	mariadb --no-defaults --ssl-verify-server-cert --ssl-ca="$GW_CA" \
	    -h 127.0.0.1 -P "$GW_PORT" -N -B "$@" 2>&1
}
