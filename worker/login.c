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
 * The agent's login.  The greeting offered mysql_native_password; this
 * file reads the login packet, switches the client to
 * mysql_clear_password (only ever inside TLS, or on a Unix listener
 * configured for plaintext) to receive the token, and hands name and
 * token to the broker, which decides.  The token is wiped as soon as it
 * is sent.  Whatever the reason for a refusal, the agent is told the
 * broker's message; the specific reason goes only to the log.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/mysql.h"
#include "common/proctitle.h"
#include "worker/worker.h"

#define CLEAR_PLUGIN "mysql_clear_password"

static void login_token(const uint8_t *, size_t);
static void login_attrs(const struct mysql_login *);
static int login_text(const struct mysql_str *, char *, size_t);
static void login_denied(const char *);
static void login_expired(evutil_socket_t, short, void *);

/* Copy a peer's string if it is printable and fits; 0 when it does. */
static int
login_text(const struct mysql_str *ms, char *dst, size_t dstsz)
{
	size_t i;

	dst[0] = '\0';
	if (ms->ms_len >= dstsz)
		return -1;
	for (i = 0; i < ms->ms_len; i++)
		if ((unsigned char)ms->ms_p[i] < 0x20 ||
		    (unsigned char)ms->ms_p[i] > 0x7e)
			return -1;
	memcpy(dst, ms->ms_p, ms->ms_len);
	dst[ms->ms_len] = '\0';
	return 0;
}

/* The one answer every refused login gets. */
static void
login_denied(const char *why)
{
	char user[LOG_ESCAPE_MAX];

	log_escape(user, sizeof(user), wk->w_user, strlen(wk->w_user));
	log_info("login as \"%s\" refused: %s", user, why);
	client_close(
	    IPC_REASON_CLIENT, ER_ACCESS_DENIED, "28000", "Access denied");
}

/*
 * Connect attributes an agent may use to explain itself: "reason" (free
 * text, kept if printable, cut at 255 bytes) and "duration" (seconds).
 */
static void
login_attrs(const struct mysql_login *ml)
{
	const struct mysql_attr *a;
	char num[16];
	size_t i, n;

	for (i = 0; i < ml->ml_nattrs; i++) {
		a = &ml->ml_attrs[i];
		if (a->ma_key.ms_len == 6 &&
		    memcmp(a->ma_key.ms_p, "reason", 6) == 0) {
			struct mysql_str v = a->ma_value;

			if (v.ms_len >= sizeof(wk->w_reason_attr))
				v.ms_len = sizeof(wk->w_reason_attr) - 1;
			(void)login_text(
			    &v, wk->w_reason_attr, sizeof(wk->w_reason_attr));
		} else if (a->ma_key.ms_len == 8 &&
		    memcmp(a->ma_key.ms_p, "duration", 8) == 0) {
			n = a->ma_value.ms_len;
			if (n == 0 || n >= 10)
				continue;
			memcpy(num, a->ma_value.ms_p, n);
			num[n] = '\0';
			if (strspn(num, "0123456789") == n)
				wk->w_duration =
				    (uint32_t)strtoul(num, NULL, 10);
		}
	}
}

void
login_packet(const uint8_t *p, size_t len)
{
	struct mysql_login ml;
	struct mysql_str tok;
	struct buf b;
	int r;

	if ((r = mysql_parse_login(p, len, wk->w_caps, &ml)) != GW_OK) {
		log_info("malformed login packet: %s", gw_strerror(r));
		client_close(IPC_REASON_CLIENT, ER_HANDSHAKE_ERROR, "08S01",
		    "Bad handshake");
		return;
	}
	wk->w_client_caps = ml.ml_use;
	wk->w_max_packet = ml.ml_max_packet;
	wk->w_charset = ml.ml_charset;
	if (login_text(&ml.ml_user, wk->w_user, sizeof(wk->w_user)) == -1 ||
	    wk->w_user[0] == '\0') {
		login_denied("user name empty, too long or unprintable");
		return;
	}
	if ((ml.ml_use & CLIENT_CONNECT_WITH_DB) &&
	    login_text(&ml.ml_db, wk->w_db, sizeof(wk->w_db)) == -1) {
		login_denied("database name too long or unprintable");
		return;
	}
	login_attrs(&ml);

	/* A client that already sent its password in clear: take it. */
	if (ml.ml_plugin.ms_len == sizeof(CLEAR_PLUGIN) - 1 &&
	    memcmp(ml.ml_plugin.ms_p, CLEAR_PLUGIN, ml.ml_plugin.ms_len) == 0 &&
	    ml.ml_auth_len > 0) {
		if (mysql_parse_clear_password(ml.ml_auth, ml.ml_auth_len,
			IPC_TOKEN_MAX, &tok) != GW_OK) {
			login_denied("token too long");
			return;
		}
		login_token((const uint8_t *)tok.ms_p, tok.ms_len);
		return;
	}

	/* Ask for the password in clear: it is the token. */
	buf_init(&b, 256);
	if (mysql_build_auth_switch(&b, CLEAR_PLUGIN, NULL, 0) != GW_OK ||
	    client_packet(&b, wk->w_seq) == -1)
		fatalx("auth switch");
	buf_free(&b);
	wk->w_seq++;
	worker_state(WS_SWITCH);
}

/* The client's answer to the switch: the token, NUL-terminated. */
void
login_switched(const uint8_t *p, size_t len)
{
	struct mysql_str tok;

	if (mysql_parse_clear_password(p, len, IPC_TOKEN_MAX, &tok) != GW_OK) {
		login_denied("token too long");
		return;
	}
	login_token((const uint8_t *)tok.ms_p, tok.ms_len);
}

static void
login_token(const uint8_t *tok, size_t len)
{
	struct ipc_auth m;
	struct buf b;
	char ver[32], cipher[64];
	int r;

	if (len == 0) {
		login_denied("no token");
		return;
	}
	memset(&m, 0, sizeof(m));
	strlcpy(m.user, wk->w_user, sizeof(m.user));
	m.token = tok;
	m.token_len = len;
	strlcpy(m.database, wk->w_db, sizeof(m.database));
	if (wk->w_plain != NULL) {
		tls_describe(
		    wk->w_client, ver, sizeof(ver), cipher, sizeof(cipher));
		strlcpy(m.tls_version, ver, sizeof(m.tls_version));
		strlcpy(m.tls_cipher, cipher, sizeof(m.tls_cipher));
	}
	strlcpy(m.reason, wk->w_reason_attr, sizeof(m.reason));
	m.duration = wk->w_duration;

	buf_init(&b, IPC_MAX_PAYLOAD);
	r = ipc_encode_auth(&b, &m);
	if (r == GW_OK)
		r = ipc_send(&wk->w_broker, IPC_W2B_AUTH, &b, -1);
	buf_free(&b); /* wipes; the caller wipes the packet it came in */
	if (r != GW_OK)
		fatalx("send login to the broker: %s", gw_strerror(r));
	worker_state(WS_AUTH);
}

static void
login_expired(evutil_socket_t fd, short ev, void *arg)
{
	log_info("grant window ended");
	client_close(IPC_REASON_REVOKED, ER_ACCESS_DENIED, "28000",
	    "gatewayd: the grant's window has ended");
}

/* The broker's decision. */
void
login_result(const struct ipc_auth_result *m)
{
	struct timeval tv;
	struct buf b;
	int64_t left;

	if (m->outcome != IPC_AUTH_GRANTED) {
		client_close(IPC_REASON_CLIENT,
		    m->code ? m->code : ER_ACCESS_DENIED, "28000",
		    m->message[0] ? m->message : "Access denied");
		return;
	}
	wk->w_grant = *m;
	proctitle_set("gatewayd: worker %s %s %s", m->connection, m->subject,
	    wk->w_setup.peer);
	if (worker_record("grant",
		json_pack("{s:s,s:s,s:s,s:s,s:I}", "subject", m->subject,
		    "connection", m->connection, "grant", m->grant, "db_user",
		    m->db_user, "expiry", (json_int_t)m->expiry)) == -1)
		worker_finish(IPC_REASON_INTERNAL, "session log unwritable");

	/* The session ends with its window, whatever else happens. */
	left = (int64_t)m->expiry - (int64_t)time(NULL);
	tv.tv_sec = left > 0 ? left : 0;
	tv.tv_usec = 0;
	if ((wk->w_expiry = evtimer_new(wk->w_base, login_expired, NULL)) ==
		NULL ||
	    evtimer_add(wk->w_expiry, &tv) == -1)
		fatalx("window timer");

	buf_init(&b, 16);
	if (ipc_send(&wk->w_broker, IPC_W2B_BACKEND, &b, -1) != GW_OK)
		fatalx("ask the broker for the database");
	buf_free(&b);
	worker_state(WS_BACKEND);
}
