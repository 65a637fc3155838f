#!/bin/sh
# caching_sha2_password, MySQL 8's default, which MariaDB cannot play:
# the worker's login pieces (regress/prog/dbauth-login, built on
# common/dbauth.c) log in to a scripted MySQL 8 server that checks every
# answer with its own hashlib and openssl: fast authentication, full
# authentication under the server's RSA key, and a native login
# switched to caching_sha2_password.  A wrong password is refused.
. regress/e2e/lib.sh
gw_setup

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$GW_TMP/rsa.pem" 2>/dev/null
LOGIN=$GW_TOP/regress/prog/dbauth-login
FAKE="$GW_PY $GW_TOP/regress/e2e/fake_mysql8.py"

# login MODE SERVER-PASSWORD CLIENT-PASSWORD: sets out and fake_rc
login() {
	rm -f "$GW_TMP/port"
	$FAKE "$1" "$2" "$GW_TMP/port" "$GW_TMP/rsa.pem" \
	    2>"$GW_TMP/fake.log" &
	_fake=$!
	_n=0
	while [ ! -s "$GW_TMP/port" ] && [ $_n -lt 50 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	out=$("$LOGIN" 127.0.0.1 "$(cat "$GW_TMP/port")" gw_0123456789ab \
	    "$3" 'SELECT 1' 2>&1 | tr '\n' ' ')
	wait "$_fake" && fake_rc=0 || fake_rc=$?
	cat "$GW_TMP/fake.log" >&2
}

for mode in fast rsa switch; do
	login $mode 'Pw-0f-a-minted/user' 'Pw-0f-a-minted/user'
	gw_check "$mode: logged in and queried ($out)" \
	    [ "$out" = "logged in with caching_sha2_password 1 " ]
	gw_check "$mode: the server found every answer right" [ "$fake_rc" = 0 ]
done

login rsa 'right' 'wrong'
gw_check "a wrong password is refused ($out)" \
    sh -c "echo '$out' | grep -q 'refused: bad caching_sha2 scramble'"
gw_check "and the server saw it was wrong" [ "$fake_rc" != 0 ]
gw_done
