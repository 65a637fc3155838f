/*
 * Copyright (c) 2026 The gatewayd authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The client side of the database login's authentication exchange; see
 * common/dbauth.h.  Every function leaves what it sends in a struct buf
 * and wipes its own copies of derived secrets.
 */

#include <string.h>

#include "common/buf.h"
#include "common/dbauth.h"
#include "common/error.h"
#include "common/mysql.h"

static int dbauth_plugin(const struct mysql_str *, enum dbauth_plugin *);
static int dbauth_scramble(struct dbauth *, struct buf *);
static int
dbauth_switch(struct dbauth *, const uint8_t *, size_t, struct buf *);
static int dbauth_more(struct dbauth *, const uint8_t *, size_t, struct buf *);

static int
dbauth_plugin(const struct mysql_str *name, enum dbauth_plugin *pp)
{
	if (name->ms_len == sizeof(DBAUTH_SHA2) - 1 &&
	    memcmp(name->ms_p, DBAUTH_SHA2, name->ms_len) == 0) {
		*pp = DBA_PLUGIN_SHA2;
		return GW_OK;
	}
	if (name->ms_len == sizeof(DBAUTH_NATIVE) - 1 &&
	    memcmp(name->ms_p, DBAUTH_NATIVE, name->ms_len) == 0) {
		*pp = DBA_PLUGIN_NATIVE;
		return GW_OK;
	}
	if (name->ms_len == sizeof(DBAUTH_ED25519) - 1 &&
	    memcmp(name->ms_p, DBAUTH_ED25519, name->ms_len) == 0) {
		*pp = DBA_PLUGIN_ED25519;
		return GW_OK;
	}
	return GW_EPLUGIN;
}

const char *
dbauth_plugin_name(const struct dbauth *da)
{
	switch (da->da_plugin) {
	case DBA_PLUGIN_SHA2:
		return DBAUTH_SHA2;
	case DBA_PLUGIN_ED25519:
		return DBAUTH_ED25519;
	default:
		return DBAUTH_NATIVE;
	}
}

/* The plugin's first answer to the nonce, into out. */
static int
dbauth_scramble(struct dbauth *da, struct buf *out)
{
	uint8_t s[MYSQL_ED25519_LEN];
	size_t n;
	int r;

	switch (da->da_plugin) {
	case DBA_PLUGIN_SHA2:
		n = MYSQL_SHA2_LEN;
		r = mysql_sha2_scramble(
		    da->da_pw, da->da_pwlen, da->da_nonce, da->da_noncelen, s);
		da->da_state = DBA_SENT;
		break;
	case DBA_PLUGIN_ED25519:
		/* One signature, and the server has all it needs. */
		n = MYSQL_ED25519_LEN;
		r = mysql_ed25519_sign(da->da_pw, da->da_pwlen, da->da_nonce,
		    da->da_noncelen, s, NULL);
		da->da_state = DBA_WAIT_OK;
		break;
	default:
		n = MYSQL_NATIVE_LEN;
		r = mysql_native_scramble(
		    da->da_pw, da->da_pwlen, da->da_nonce, da->da_noncelen, s);
		da->da_state = DBA_SENT;
		break;
	}
	if (r == GW_OK)
		r = buf_put(out, s, n);
	explicit_bzero(s, sizeof(s));
	return r;
}

/*
 * Begin with the greeting: choose the plugin, the one the server names
 * if we speak it and mysql_native_password otherwise (the server then
 * switches us, or refuses), and put the first answer in out for the
 * login packet.  *pluginp names the plugin for the login.
 */
int
dbauth_start(struct dbauth *da, const char *pw, size_t pwlen, int tls,
    const struct mysql_handshake *hs, struct buf *out, const char **pluginp)
{
	memset(da, 0, sizeof(*da));
	*pluginp = NULL;
	if (pwlen == 0 || memchr(pw, '\0', pwlen) != NULL)
		return GW_EINVAL;
	if (hs->hs_auth_len < MYSQL_SCRAMBLE_LEN)
		return GW_EPROTO;
	da->da_pw = pw;
	da->da_pwlen = pwlen;
	da->da_tls = tls;
	memcpy(da->da_nonce, hs->hs_auth, MYSQL_SCRAMBLE_LEN);
	da->da_noncelen = MYSQL_SCRAMBLE_LEN;
	/* A greeting's nonce is too short for client_ed25519. */
	if (dbauth_plugin(&hs->hs_plugin, &da->da_plugin) != GW_OK ||
	    da->da_plugin == DBA_PLUGIN_ED25519)
		da->da_plugin = DBA_PLUGIN_NATIVE;
	*pluginp = dbauth_plugin_name(da);
	return dbauth_scramble(da, out);
}

/* AuthSwitchRequest: a new plugin and nonce, once. */
static int
dbauth_switch(struct dbauth *da, const uint8_t *p, size_t len, struct buf *out)
{
	struct mysql_auth_switch as;
	const uint8_t *nonce;
	int r;

	if (da->da_switched || da->da_state != DBA_SENT)
		return GW_EPROTO;
	da->da_switched = 1;
	if ((r = mysql_parse_auth_switch(p, len, &as)) != GW_OK)
		return r;
	if ((r = dbauth_plugin(&as.as_plugin, &da->da_plugin)) != GW_OK)
		return r;
	if (da->da_plugin == DBA_PLUGIN_ED25519) {
		if (as.as_len != MYSQL_ED25519_NONCE_LEN)
			return GW_EPROTO;
		memcpy(da->da_nonce, as.as_data, as.as_len);
		da->da_noncelen = as.as_len;
	} else {
		r = mysql_auth_nonce(as.as_data, as.as_len, &nonce);
		if (r != GW_OK)
			return r;
		memcpy(da->da_nonce, nonce, MYSQL_SCRAMBLE_LEN);
		da->da_noncelen = MYSQL_SCRAMBLE_LEN;
	}
	if ((r = dbauth_scramble(da, out)) != GW_OK)
		return r;
	return DBA_SEND;
}

/*
 * AuthMoreData of caching_sha2_password: fast authentication worked,
 * or the server wants the password (in clear inside TLS, else under its
 * RSA key, which we ask for), or here is that key.
 */
static int
dbauth_more(struct dbauth *da, const uint8_t *p, size_t len, struct buf *out)
{
	struct mysql_auth_switch am;
	uint8_t ct[MYSQL_RSA_MAX];
	size_t ctlen;
	int r;

	if (da->da_plugin != DBA_PLUGIN_SHA2)
		return GW_EPROTO;
	if ((r = mysql_parse_auth_more(p, len, &am)) != GW_OK)
		return r;
	switch (da->da_state) {
	case DBA_SENT:
		if (am.as_len != 1)
			return GW_EPROTO;
		if (am.as_data[0] == MYSQL_SHA2_FAST_OK) {
			da->da_state = DBA_WAIT_OK;
			return DBA_WAIT;
		}
		if (am.as_data[0] != MYSQL_SHA2_FULL_AUTH)
			return GW_EPROTO;
		if (da->da_tls) {
			da->da_state = DBA_WAIT_OK;
			r = mysql_put_clear_password(
			    out, da->da_pw, da->da_pwlen);
			return r == GW_OK ? DBA_SEND : r;
		}
		da->da_state = DBA_SHA2_KEY;
		r = buf_put_u8(out, MYSQL_SHA2_REQUEST_KEY);
		return r == GW_OK ? DBA_SEND : r;
	case DBA_SHA2_KEY:
		r = mysql_sha2_rsa(da->da_pw, da->da_pwlen, da->da_nonce,
		    da->da_noncelen, am.as_data, am.as_len, ct, sizeof(ct),
		    &ctlen);
		if (r == GW_OK)
			r = buf_put(out, ct, ctlen);
		explicit_bzero(ct, sizeof(ct));
		da->da_state = DBA_WAIT_OK;
		return r == GW_OK ? DBA_SEND : r;
	default:
		return GW_EPROTO;
	}
}

/*
 * One reply from the server during authentication.  An empty payload,
 * a packet out of turn or a plugin we do not speak is an error; OK and
 * ERR are left for the caller to parse.
 */
int
dbauth_reply(struct dbauth *da, const uint8_t *p, size_t len, struct buf *out)
{
	if (len == 0)
		return GW_ETRUNC;
	switch (p[0]) {
	case MYSQL_OK_HDR:
		/* Never while the RSA key is due: that would skip a step. */
		if (da->da_state == DBA_SHA2_KEY)
			return GW_EPROTO;
		return DBA_OK;
	case MYSQL_ERR_HDR:
		return DBA_ERR;
	case MYSQL_EOF_HDR:
		return dbauth_switch(da, p, len, out);
	case MYSQL_MORE_HDR:
		return dbauth_more(da, p, len, out);
	default:
		return GW_EPROTO;
	}
}

/* Forget the nonce and the pointer to the password. */
void
dbauth_clear(struct dbauth *da)
{
	explicit_bzero(da, sizeof(*da));
}
