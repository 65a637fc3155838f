#!/bin/sh
# The harness itself, without gatewayd: users and directories, the
# throwaway MariaDB and its admin account, certificates, tokens checked
# against the JWKS, the gatewayd start and stop logic (with a stand-in
# program), and cleanup after failure and after a timeout.
set -eu
. regress/e2e/lib.sh
gw_setup

# --- users, directories, ports ---

gw_users
if id -u _gwworker >/dev/null 2>&1 && id -u _gwbroker >/dev/null 2>&1
then
	ok "system users exist"
else
	not_ok "system users exist"
fi
if [ "$(stat -c '%U %a' "$GW_EMPTY")" = "root 755" ] &&
    [ -z "$(ls -A "$GW_EMPTY")" ]; then
	ok "empty chroot directory is root's, 0755"
else
	not_ok "empty chroot directory is root's, 0755"
fi

port=$(free_port)
case $port in
'' | *[!0-9]*) not_ok "free_port prints a port ($port)" ;;
*) ok "free_port prints a port" ;;
esac

# --- certificates and the signing key (before db_start: DB_TLS uses them)

gw_certs
if openssl verify -CAfile "$GW_CA" "$GW_CERT" >/dev/null 2>&1; then
	ok "server certificate verifies against the CA"
else
	not_ok "server certificate verifies against the CA"
fi
san=$(openssl x509 -in "$GW_CERT" -noout -ext subjectAltName 2>/dev/null)
case $san in
*DNS:localhost*"IP Address:127.0.0.1"*) ok "subjectAltName" ;;
*) not_ok "subjectAltName: $san" ;;
esac
if [ "$(stat -c %a "$GW_KEY")" = 600 ] &&
    [ "$(stat -c %a "$GW_TOKEN_KEY")" = 600 ]; then
	ok "private keys are 0600"
else
	not_ok "private keys are 0600"
fi

# --- MariaDB ---

DB_TLS=1 db_start
ok "db_start (port $DB_PORT)"

adm() {
	mariadb --defaults-file="$GW_TMP/admin.cnf" -h 127.0.0.1 \
	    -P "$DB_PORT" -N -B "$@"
}

if [ "$(stat -c %a "$GW_TMP/admin.cnf")" = 600 ]; then
	ok "admin.cnf is 0600"
else
	not_ok "admin.cnf is 0600"
fi
who=$(adm -e 'SELECT CURRENT_USER()' 2>&1) || true
if [ "$who" = "gwadmin@127.0.0.1" ]; then
	ok "admin logs in over TCP with admin.cnf"
else
	not_ok "admin logs in over TCP with admin.cnf: $who"
fi
grants=$(adm -e 'SHOW GRANTS' 2>&1) || true
case $grants in
*"CONNECTION ADMIN"*"shop"*"WITH GRANT OPTION"*) ok "admin grants" ;;
*) not_ok "admin grants: $grants" ;;
esac

n=$(db_sql 'SELECT COUNT(*) FROM shop.customers')
m=$(db_sql 'SELECT COUNT(*) FROM shop.orders')
if [ "$n" -ge 3 ] && [ "$m" -ge 3 ]; then
	ok "shop schema loaded ($n customers, $m orders)"
else
	not_ok "shop schema loaded"
fi

# What the broker does for a grant: mint, use, drop.
pw=$(openssl rand -hex 12)
if adm -e "CREATE USER 'gwtmp_h1'@'127.0.0.1' IDENTIFIED BY '$pw'
    WITH MAX_USER_CONNECTIONS 2;
    GRANT SELECT ON shop.* TO 'gwtmp_h1'@'127.0.0.1'"; then
	ok "admin mints a user"
else
	not_ok "admin mints a user"
fi
got=$(mariadb --no-defaults -h 127.0.0.1 -P "$DB_PORT" -u gwtmp_h1 \
    -p"$pw" -N -B -e 'SELECT SUM(total) FROM shop.orders' 2>&1) || true
if [ "$got" = "187.49" ]; then
	ok "minted user reads shop"
else
	not_ok "minted user reads shop: $got"
fi
if adm -e "DROP USER 'gwtmp_h1'@'127.0.0.1'"; then
	ok "admin drops the user"
else
	not_ok "admin drops the user"
fi

# The certificate works with the real client, by address and by name.
for h in 127.0.0.1 localhost; do
	v=$(adm --protocol=tcp -h "$h" --ssl-verify-server-cert \
	    --ssl-ca="$GW_CA" -e "SHOW STATUS LIKE 'Ssl_version'" 2>&1) ||
	    true
	case $v in
	*TLSv1.[23]*) ok "client verifies the certificate as $h" ;;
	*) not_ok "client verifies the certificate as $h: $v" ;;
	esac
done

# --- tokens ---

# Decodes a token, checks its signature with a key rebuilt from the
# JWKS (independently of gw-token), and prints name=value facts.
jwt_inspect() {
	"$GW_PY" - "$1" "$GW_JWKS" "$GW_TMP/jwt" <<'EOF'
import base64, json, subprocess, sys, time

def unb64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

token, jwks_file, work = sys.argv[1:4]
h64, p64, s64 = token.split(".")
hdr, claims = json.loads(unb64(h64)), json.loads(unb64(p64))
key = json.load(open(jwks_file))["keys"][0]
print("alg=%s" % hdr.get("alg"))
print("typ=%s" % hdr.get("typ"))
print("kidmatch=%d" % (hdr.get("kid") == key["kid"]))
for c in ("iss", "aud", "sub"):
    print("%s=%s" % (c, claims.get(c)))
print("groups=%s" % ",".join(claims.get("groups", [])))
now = int(time.time())
print("ttl=%d" % (claims.get("exp", 0) - now))
print("times=%d" % (abs(claims.get("iat", 0) - now) < 5 and
                    claims.get("nbf", now) <= now))
print("jti=%d" % (len(claims.get("jti", "")) >= 16))

# SubjectPublicKeyInfo for P-256: fixed prefix, then 04 || X || Y.
spki = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d03010703"
                     "4200") + b"\x04" + unb64(key["x"]) + unb64(key["y"])
pem = base64.encodebytes(spki).decode()
open(work + ".pub", "w").write("-----BEGIN PUBLIC KEY-----\n%s"
                               "-----END PUBLIC KEY-----\n" % pem)
sig = unb64(s64)
print("siglen=%d" % len(sig))
if len(sig) != 64:
    sys.exit(0)

def der_int(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return b"\x02" + bytes([len(b)]) + b

body = der_int(sig[:32]) + der_int(sig[32:])
open(work + ".sig", "wb").write(b"\x30" + bytes([len(body)]) + body)
open(work + ".in", "wb").write((h64 + "." + p64).encode())
r = subprocess.run(["openssl", "dgst", "-sha256", "-verify",
                    work + ".pub", "-signature", work + ".sig",
                    work + ".in"], capture_output=True)
print("verified=%d" % (r.returncode == 0))
EOF
}

# fact NAME: the value of NAME in the last jwt_inspect output.
fact() {
	printf '%s\n' "$facts" | sed -n "s/^$1=//p"
}

tok=$(gw_token agent-7 analysts,dba 120)
facts=$(jwt_inspect "$tok")
if [ "$(fact alg)" = ES256 ] && [ "$(fact typ)" = JWT ] &&
    [ "$(fact kidmatch)" = 1 ]; then
	ok "token header"
else
	not_ok "token header: $facts"
fi
if [ "$(fact iss)" = "$GW_ISSUER" ] && [ "$(fact aud)" = gatewayd ] &&
    [ "$(fact sub)" = agent-7 ] && [ "$(fact groups)" = analysts,dba ] &&
    [ "$(fact times)" = 1 ] && [ "$(fact jti)" = 1 ]; then
	ok "token claims"
else
	not_ok "token claims: $facts"
fi
ttl=$(fact ttl)
if [ "$ttl" -gt 110 ] && [ "$ttl" -le 120 ]; then
	ok "token lifetime"
else
	not_ok "token lifetime: $ttl"
fi
if [ "$(fact verified)" = 1 ]; then
	ok "signature verifies with the JWKS key"
else
	not_ok "signature verifies with the JWKS key: $facts"
fi

# A changed payload must not verify.
h=${tok%%.*}
s=${tok##*.}
forged=$h.$(printf '{"sub":"root","groups":["dba"]}' |
    base64 -w0 | tr '+/' '-_' | tr -d '=').$s
facts=$(jwt_inspect "$forged")
if [ "$(fact verified)" = 0 ]; then
	ok "forged payload does not verify"
else
	not_ok "forged payload does not verify: $facts"
fi

facts=$(jwt_inspect "$(gw_token --alg-none agent-7 analysts)")
if [ "$(fact alg)" = none ] && [ "$(fact siglen)" = 0 ]; then
	ok "alg none token"
else
	not_ok "alg none token: $facts"
fi
facts=$(jwt_inspect "$(gw_token --exp-offset -60 agent-7 analysts)")
if [ "$(fact ttl)" -lt -50 ] && [ "$(fact verified)" = 1 ]; then
	ok "expired token, validly signed"
else
	not_ok "expired token, validly signed: $facts"
fi
facts=$(jwt_inspect "$(gw_token --audience other --issuer x a "")")
if [ "$(fact aud)" = other ] && [ "$(fact iss)" = x ] &&
    [ "$(fact groups)" = "" ]; then
	ok "issuer and audience overrides"
else
	not_ok "issuer and audience overrides: $facts"
fi

# --- configuration ---

gw_conf <<EOF
approver "tester" uid 0 groups { "dba" }
EOF
conf=$GW_TMP/gatewayd.conf
if [ "$(stat -c %a "$conf")" = 600 ] &&
    grep -q "port $DB_PORT" "$conf" &&
    grep -q "jwks file \"$GW_JWKS\"" "$conf" &&
    grep -q "listen on 127.0.0.1 port $GW_PORT tls" "$conf" &&
    grep -q '^approver "tester"' "$conf"; then
	ok "gw_conf writes the configuration"
else
	not_ok "gw_conf writes the configuration"
fi
if [ "$(stat -c '%U %a' "$GW_TMP/log")" = "root 700" ] &&
    [ "$(stat -c '%U %a' "$GW_TMP/state")" = "_gwbroker 700" ]; then
	ok "log and state directories"
else
	not_ok "log and state directories"
fi
# Once gatewayd is built, the harness configuration must parse.
if [ -x gatewayd/gatewayd ]; then
	if out=$(gatewayd/gatewayd -n -f "$conf" 2>&1); then
		ok "gatewayd -n accepts the harness configuration"
	else
		not_ok "gatewayd -n accepts the harness configuration: $out"
	fi
else
	ok "gatewayd -n accepts the harness configuration # skip not built"
fi

# --- gw_start, gw_stop and gw_log_wait, with a stand-in gatewayd ---

fake=$GW_TMP/fake-gatewayd
cat >"$fake" <<'EOF'
#!/bin/sh
# Stand-in for gatewayd: checks how it was called, starts a child the way
# gatewayd starts its broker, says it is ready, and waits for TERM.
if [ "$1 $2 $3 $5" != "-d -v -f -x" ] || [ ! -f "$4" ] ||
    [ ! -L "$6/gatewayd-broker" ] || [ ! -L "$6/gatewayd-worker" ]; then
	echo "fake: bad arguments: $*" >&2
	exit 2
fi
if [ "${FAKE_MODE:-}" = die ]; then
	echo "fake: fatal: cannot start" >&2
	exit 3
fi
sleep 300 &
echo "$!" >"${4%/*}/fake-child.pid"
if [ "${FAKE_MODE:-}" = stubborn ]; then
	trap '' TERM
else
	trap 'kill "$!"; echo "fake: exiting" >&2; exit 0' TERM
fi
echo "fake: ready: listening on 127.0.0.1" >&2
while :; do
	wait
done
EOF
chmod 0755 "$fake"
export GW_GATEWAYD="$fake"

if gw_start; then
	ok "gw_start waits for ready"
else
	not_ok "gw_start waits for ready"
fi
pgid=$(ps -o pgid= -p "$GW_PID" | tr -d ' ')
if [ "$pgid" = "$GW_PID" ]; then
	ok "gatewayd leads its own process group"
else
	not_ok "gatewayd leads its own process group ($pgid)"
fi
child=$(cat "$GW_TMP/fake-child.pid")
echo "gatewayd: session 1: ready: x" >>"$GW_TMP/gatewayd.log"
if gw_log_wait 'session [0-9]+: ready' 2; then
	ok "gw_log_wait finds a line"
else
	not_ok "gw_log_wait finds a line"
fi
if gw_log_wait 'never printed' 1 2>/dev/null; then
	not_ok "gw_log_wait times out"
else
	ok "gw_log_wait times out"
fi
if gw_stop && [ "$GW_EXIT" = 0 ] && gw_wait_gone "$child" 5; then
	ok "gw_stop stops gatewayd and its children"
else
	not_ok "gw_stop stops gatewayd and its children (${GW_EXIT:-})"
fi

export FAKE_MODE=stubborn
gw_start
child=$(cat "$GW_TMP/fake-child.pid")
stubborn=$GW_PID
if ! GW_STOP_WAIT=1 gw_stop 2>/dev/null &&
    gw_wait_gone "$stubborn" 5 && gw_wait_gone "$child" 5; then
	ok "gw_stop kills a gatewayd that ignores TERM"
else
	not_ok "gw_stop kills a gatewayd that ignores TERM"
fi

export FAKE_MODE=die
if gw_start 2>"$GW_TMP/start.err"; then
	not_ok "gw_start fails when gatewayd dies"
elif grep -q 'fatal: cannot start' "$GW_TMP/start.err"; then
	ok "gw_start fails when gatewayd dies, and shows its log"
else
	not_ok "gw_start shows the log of a dead gatewayd"
fi
unset FAKE_MODE GW_GATEWAYD

# --- cleanup, from a child test that fails or times out ---

cat >"$GW_TMP/child.sh" <<'EOF'
set -eu
. regress/e2e/lib.sh
gw_setup
echo "$GW_TMP" >"$1"
db_start
sleep 300 >/dev/null 2>&1 &
gw_track "$!"
echo "$!" >"$1.pid"
[ "$2" = fail ] && exit 1
sleep 300
EOF

# nothing_left DIR PIDFILE: no process runs from DIR, the tracked one
# is gone, and so is DIR.
nothing_left() {
	[ -n "$1" ] && [ ! -e "$1" ] && [ -z "$(gw_procs_under "$1")" ] &&
	    [ -s "$2" ] && gw_wait_gone "$(cat "$2")" 5
}

sh "$GW_TMP/child.sh" "$GW_TMP/child1" fail >"$GW_TMP/child1.log" 2>&1 &&
    rc=0 || rc=$?
dir=$(cat "$GW_TMP/child1" 2>/dev/null || true)
if [ "$rc" = 1 ] && nothing_left "$dir" "$GW_TMP/child1.pid"; then
	ok "cleanup after a failing test"
else
	not_ok "cleanup after a failing test (rc $rc, $dir)"
	cat "$GW_TMP/child1.log"
fi

timeout 6 sh "$GW_TMP/child.sh" "$GW_TMP/child2" hang \
    >"$GW_TMP/child2.log" 2>&1 && rc=0 || rc=$?
dir=$(cat "$GW_TMP/child2" 2>/dev/null || true)
if [ "$rc" = 124 ] && nothing_left "$dir" "$GW_TMP/child2.pid"; then
	ok "cleanup after a timeout"
else
	not_ok "cleanup after a timeout (rc $rc, $dir)"
	cat "$GW_TMP/child2.log"
fi

GW_KEEP=1 sh "$GW_TMP/child.sh" "$GW_TMP/child3" fail \
    >"$GW_TMP/child3.log" 2>&1 || true
dir=$(cat "$GW_TMP/child3" 2>/dev/null || true)
if [ -n "$dir" ] && [ -d "$dir" ] && [ -z "$(gw_procs_under "$dir")" ]
then
	ok "GW_KEEP=1 keeps the directory, stops the processes"
else
	not_ok "GW_KEEP=1 keeps the directory, stops the processes"
fi
case $dir in
"$(gw_tmp_root)"/child.*) rm -rf "$dir" ;;
esac

gw_done
