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
 * The worker's login to the database, over the socket the broker dialed
 * and passed.  The worker plays the client with the user minted for the
 * grant and that user's password, which it wipes once used.  The
 * capabilities are the ones the agent's client settled on with us, so
 * the packets the database sends suit the agent's client as they are.
 * When the connection has "tls ca", the broker sends the CA's text with
 * the socket and the login goes inside TLS, the database's certificate
 * checked against that CA and the configured host.  The plugin exchange
 * itself (mysql_native_password or caching_sha2_password) is the state
 * machine of common/dbauth.c.
 */

#include <sys/types.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/mysql.h"
#include "worker/worker.h"

#define BACKEND_HS_MAX (64 * 1024)
#define BK_CERT_TELL   "gatewayd: cannot verify the database's certificate"

/* Steps of the database login. */
#define BK_GREETING 0 /* awaiting the server's greeting */
#define BK_STARTTLS 1 /* SSLRequest sent, greeting still to drain */
#define BK_TLS	    2 /* TLS handshake under way */
#define BK_AUTH	    3 /* login sent, awaiting OK or a switch */

/* What we never ask of the database, whatever the client settled on. */
#define BK_CAPS_OFF                                                            \
	(CLIENT_SSL | CLIENT_COMPRESS | CLIENT_LOCAL_FILES |                   \
	    CLIENT_ZSTD_COMPRESSION | CLIENT_CONNECT_ATTRS)

static void backend_read(struct bufferevent *, void *);
static void backend_event(struct bufferevent *, short, void *);
static void
backend_fail(const char *, ...) __attribute__((format(printf, 1, 2)));
static void backend_abort(const char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void backend_starttls(void);
static void backend_greeting(const uint8_t *, size_t);
static void backend_reply(const uint8_t *, size_t);
static int backend_send(const struct buf *);
static void backend_ready(const uint8_t *, size_t);

/* End the login: log why, and tell the agent what it may know. */
static void
backend_abort(const char *tell, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warnx("database login failed: %s", why);
	explicit_bzero(
	    wk->w_grant.db_password, sizeof(wk->w_grant.db_password));
	if (wk->w_blogin.b_data != NULL) {
		explicit_bzero(wk->w_blogin.b_data, wk->w_blogin.b_len);
		buf_free(&wk->w_blogin);
	}
	client_close(IPC_REASON_INTERNAL, ER_ACCESS_DENIED, "28000", tell);
}

static void
backend_fail(const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	backend_abort("gatewayd: the database refused the session", "%s", why);
}

void
backend_start(int fd, const struct ipc_backend *m)
{
	wk->w_backend = bufferevent_socket_new(wk->w_base, fd, 0);
	if (wk->w_backend == NULL)
		fatalx("backend bufferevent");
	bufferevent_setcb(
	    wk->w_backend, backend_read, NULL, backend_event, NULL);
	bufferevent_enable(wk->w_backend, EV_READ | EV_WRITE);
	wk->w_bstate = BK_GREETING;
	wk->w_bseq = 0;
	if ((m->flags & IPC_BACKEND_TLS) == 0)
		return;
	strlcpy(wk->w_bhost, m->host, sizeof(wk->w_bhost));
	if ((wk->w_btls = tls_client_init(m->ca, m->ca_len)) == NULL) {
		/* Never on without TLS: the database is not heard. */
		bufferevent_disable(wk->w_backend, EV_READ);
		backend_abort("gatewayd: cannot verify the database",
		    "unusable CA for the database");
	}
}

/*
 * Start the handshake over the socket, once the greeting is drained
 * from it: the filter reads what is buffered there.  The login waits
 * for the handshake's end.
 */
static void
backend_starttls(void)
{
	struct bufferevent *bev;

	/* The handshake may end, or fail, before the filter is returned. */
	wk->w_bstate = BK_TLS;
	if ((bev = tls_connect(wk->w_backend, wk->w_btls, wk->w_bhost)) ==
	    NULL) {
		backend_fail("cannot start TLS");
		return;
	}
	wk->w_bplain = wk->w_backend;
	wk->w_backend = bev;
	bufferevent_setcb(bev, backend_read, NULL, backend_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static int
backend_send(const struct buf *payload)
{
	uint8_t h[4];

	h[0] = payload->b_len & 0xff;
	h[1] = (payload->b_len >> 8) & 0xff;
	h[2] = (payload->b_len >> 16) & 0xff;
	h[3] = wk->w_bseq++;
	if (bufferevent_write(wk->w_backend, h, sizeof(h)) == -1 ||
	    bufferevent_write(wk->w_backend, payload->b_data, payload->b_len) ==
		-1)
		return -1;
	return 0;
}

static void
backend_greeting(const uint8_t *p, size_t len)
{
	struct mysql_handshake hs;
	struct mysql_login ml;
	struct buf b, resp;
	const char *plugin;
	uint64_t want;
	int r;

	if ((r = mysql_parse_handshake(p, len, &hs)) != GW_OK) {
		backend_fail("malformed greeting: %s", gw_strerror(r));
		return;
	}
	/* The agent's client reads what the database writes, unchanged. */
	want = (wk->w_client_caps & ~BK_CAPS_OFF) | CLIENT_PROTOCOL_41 |
	    CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
	if (wk->w_db[0] != '\0')
		want |= CLIENT_CONNECT_WITH_DB;
	else
		want &= ~(uint64_t)CLIENT_CONNECT_WITH_DB;
	if (wk->w_btls != NULL) {
		if ((hs.hs_caps & CLIENT_SSL) == 0) {
			backend_abort("gatewayd: the database offers no TLS",
			    "the database offers no TLS");
			return;
		}
		want |= CLIENT_SSL;
	}
	if ((want & ~hs.hs_caps) & 0xffffffffULL & ~CLIENT_MYSQL) {
		backend_fail("the database lacks capabilities 0x%llx",
		    (unsigned long long)(want & ~hs.hs_caps));
		return;
	}
	buf_init(&resp, MYSQL_AUTH_MAX);
	if ((r = dbauth_start(&wk->w_bauth, wk->w_grant.db_password,
		 strlen(wk->w_grant.db_password), wk->w_btls != NULL, &hs,
		 &resp, &plugin)) != GW_OK) {
		buf_free(&resp);
		backend_fail("cannot answer the greeting: %s", gw_strerror(r));
		return;
	}

	memset(&ml, 0, sizeof(ml));
	ml.ml_caps = want & 0xffffffffULL;
	ml.ml_use = ml.ml_caps;
	ml.ml_max_packet = wk->w_setup.max_packet;
	ml.ml_charset = wk->w_charset ? wk->w_charset : hs.hs_charset;
	ml.ml_user.ms_p = wk->w_grant.db_user;
	ml.ml_user.ms_len = strlen(wk->w_grant.db_user);
	ml.ml_auth = resp.b_data;
	ml.ml_auth_len = resp.b_len;
	ml.ml_db.ms_p = wk->w_db;
	ml.ml_db.ms_len = strlen(wk->w_db);
	ml.ml_plugin.ms_p = plugin;
	ml.ml_plugin.ms_len = strlen(plugin);
	wk->w_bseq = 1;
	if (wk->w_btls != NULL) {
		buf_init(&wk->w_blogin, BACKEND_HS_MAX);
		if (mysql_build_login(&wk->w_blogin, &ml) != GW_OK)
			fatalx("database login packet");
		buf_free(&resp);
		buf_init(&b, MYSQL_SSL_REQUEST_LEN);
		if (mysql_build_ssl_request(&b, &ml) != GW_OK ||
		    backend_send(&b) == -1)
			fatalx("database SSLRequest");
		buf_free(&b);
		wk->w_bstate = BK_STARTTLS;
		return;
	}
	buf_init(&b, BACKEND_HS_MAX);
	if (mysql_build_login(&b, &ml) != GW_OK || backend_send(&b) == -1)
		fatalx("database login packet");
	buf_free(&b);
	buf_free(&resp);
	wk->w_bstate = BK_AUTH;
}

static void
backend_reply(const uint8_t *p, size_t len)
{
	struct mysql_err er;
	char msg[LOG_ESCAPE_MAX];
	struct buf b;
	int r;

	buf_init(&b, MYSQL_AUTH_MAX);
	r = dbauth_reply(&wk->w_bauth, p, len, &b);
	switch (r) {
	case DBA_SEND:
		if (backend_send(&b) == -1)
			fatalx("database auth reply");
		break;
	case DBA_WAIT:
		break;
	case DBA_OK:
		dbauth_clear(&wk->w_bauth);
		backend_ready(p, len);
		break;
	case DBA_ERR:
		dbauth_clear(&wk->w_bauth);
		if (mysql_parse_err(p, len, CLIENT_PROTOCOL_41, &er) != GW_OK) {
			backend_fail("malformed error");
			break;
		}
		log_escape(msg, sizeof(msg), er.er_msg.ms_p, er.er_msg.ms_len);
		backend_fail("error %u: %s", er.er_code, msg);
		break;
	default:
		if (len > 0)
			backend_fail("%s: reply 0x%02x in the %s exchange",
			    gw_strerror(r), p[0],
			    dbauth_plugin_name(&wk->w_bauth));
		else
			backend_fail("%s", gw_strerror(r));
		dbauth_clear(&wk->w_bauth);
	}
	buf_free(&b);
}

/* Logged in: tell the agent, and start relaying. */
static void
backend_ready(const uint8_t *p, size_t len)
{
	struct mysql_ok ok;
	struct buf b;

	explicit_bzero(
	    wk->w_grant.db_password, sizeof(wk->w_grant.db_password));
	memset(&ok, 0, sizeof(ok));
	if (mysql_parse_ok(p, len, wk->w_client_caps, &ok) != GW_OK)
		ok.ok_status = SERVER_STATUS_AUTOCOMMIT;
	memset(&ok.ok_info, 0, sizeof(ok.ok_info));
	ok.ok_state = NULL;
	ok.ok_state_len = 0;
	ok.ok_status &= ~SERVER_SESSION_STATE_CHANGED;
	buf_init(&b, 256);
	if (mysql_build_ok(&b, &ok, wk->w_client_caps, 0) != GW_OK ||
	    client_packet(&b, wk->w_seq) == -1)
		fatalx("login OK");
	buf_free(&b);
	log_info("logged in as %s to %s for %s", wk->w_grant.db_user,
	    wk->w_grant.connection, wk->w_grant.subject);
	relay_start();
}

static void
backend_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	struct mysql_frame f;
	size_t avail;
	uint8_t *p;
	int r;

	for (;;) {
		avail = evbuffer_get_length(in);
		if (avail == 0 || wk->w_state != WS_BACKEND)
			return;
		p = evbuffer_pullup(in, (ssize_t)avail);
		r = mysql_frame(p, avail, wk->w_bseq, BACKEND_HS_MAX, &f);
		if (r != GW_OK) {
			backend_fail("bad packet: %s", gw_strerror(r));
			return;
		}
		if (!f.mf_done || f.mf_packets != 1)
			return;
		wk->w_bseq = f.mf_next;
		if (wk->w_bstate == BK_GREETING)
			backend_greeting(p + MYSQL_HDR_LEN, f.mf_payload);
		else
			backend_reply(p + MYSQL_HDR_LEN, f.mf_payload);
		evbuffer_drain(in, f.mf_wire);
		if (wk->w_state != WS_BACKEND)
			return;
		if (wk->w_bstate == BK_STARTTLS) {
			if (avail != f.mf_wire) {
				backend_fail("data after the greeting");
				return;
			}
			backend_starttls();
			return;
		}
	}
}

static void
backend_event(struct bufferevent *bev, short what, void *arg)
{
	const char *why;
	char ver[32], cipher[64], ebuf[256];
	unsigned long e;

	/* Already ending: the reason is logged once. */
	if (wk->w_state != WS_BACKEND)
		return;
	if ((what & BEV_EVENT_CONNECTED) && wk->w_bstate == BK_TLS) {
		tls_describe(bev, ver, sizeof(ver), cipher, sizeof(cipher));
		log_verbose("TLS to the database: %s, %s", ver, cipher);
		if (worker_record("backend_tls",
			json_pack("{s:s,s:s}", "version", ver, "cipher",
			    cipher)) == -1)
			worker_finish(
			    IPC_REASON_INTERNAL, "session log unwritable");
		if (backend_send(&wk->w_blogin) == -1)
			fatalx("database login packet");
		explicit_bzero(wk->w_blogin.b_data, wk->w_blogin.b_len);
		buf_free(&wk->w_blogin);
		wk->w_bstate = BK_AUTH;
		/* The database speaks only once it has the login. */
		return;
	}
	if (wk->w_bstate == BK_TLS) {
		if ((why = tls_verify_error(bev)) != NULL) {
			backend_abort(BK_CERT_TELL,
			    "the database's certificate did not verify: %s",
			    why);
			return;
		}
		tls_log_errors("database TLS handshake");
		while ((e = bufferevent_get_openssl_error(bev)) != 0) {
			ERR_error_string_n(e, ebuf, sizeof(ebuf));
			log_info("database TLS: %s", ebuf);
		}
		backend_abort("gatewayd: TLS to the database failed",
		    "TLS handshake with the database failed");
		return;
	}
	backend_fail("connection to the database lost during login");
}

/*
 * Say goodbye to the database when the session ends without the
 * client's own COM_QUIT, so that the server does not log an aborted
 * connection.  Best effort, and only between packets: with bytes still
 * waiting to go out, the goodbye would land inside one of them.
 */
void
backend_quit(void)
{
	static const uint8_t quit[] = {0x01, 0x00, 0x00, 0x00, 0x01};
	ssize_t n;

	/* XXX Over TLS the goodbye would need the TLS layer flushed. */
	if (wk->w_backend == NULL || wk->w_bplain != NULL || wk->w_quit ||
	    wk->w_state < WS_RELAY ||
	    evbuffer_get_length(bufferevent_get_output(wk->w_backend)) != 0)
		return;
	n = write(bufferevent_getfd(wk->w_backend), quit, sizeof(quit));
	(void)n;
}
