#!/bin/sh
# make install puts every file in its place under DESTDIR and never
# overwrites a configuration that is already there.
. regress/e2e/lib.sh
gw_setup
dest=$GW_TMP/dest
make -s install DESTDIR="$dest" PREFIX=/usr >"$GW_TMP/install.log" 2>&1
gw_check "make install succeeds" [ $? = 0 ]
for f in usr/sbin/gatewayd usr/sbin/gatewayctl \
    usr/libexec/gatewayd/gatewayd-broker \
    usr/libexec/gatewayd/gatewayd-worker \
    usr/share/man/man8/gatewayd.8 usr/share/man/man8/gatewayctl.8 \
    usr/share/man/man5/gatewayd.conf.5 \
    lib/systemd/system/gatewayd.service \
    etc/gatewayd/gatewayd.conf etc/gatewayd/gatewayd.conf.sample; do
	gw_check "installed $f" [ -f "$dest/$f" ]
done
gw_check "the configuration is installed mode 0600" \
    [ "$(stat -c %a "$dest/etc/gatewayd/gatewayd.conf")" = 600 ]
gw_check "the installed gatewayd looks in its libexec directory" \
    grep -q '/usr/libexec/gatewayd' "$dest/usr/sbin/gatewayd"
echo '# edited by the operator' >>"$dest/etc/gatewayd/gatewayd.conf"
make -s install DESTDIR="$dest" PREFIX=/usr >>"$GW_TMP/install.log" 2>&1
gw_check "a second install keeps the operator's configuration" \
    grep -q 'edited by the operator' "$dest/etc/gatewayd/gatewayd.conf"
gw_done
