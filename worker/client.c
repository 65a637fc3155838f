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
 * The client side of a session: the worker plays the MySQL server to the
 * agent's client.  This file sends the initial handshake and reads the
 * client's first packet under a deadline.  Every length is checked
 * against a cap before anything is buffered.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>
#include <sys/random.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"
#include "worker/worker.h"

/* Capability flags (the protocol's CLIENT_* bits). */
#define CAP_LONG_PASSWORD      0x00000001
#define CAP_FOUND_ROWS	       0x00000002
#define CAP_LONG_FLAG	       0x00000004
#define CAP_CONNECT_WITH_DB    0x00000008
#define CAP_PROTOCOL_41	       0x00000200
#define CAP_SSL		       0x00000800
#define CAP_TRANSACTIONS       0x00002000
#define CAP_SECURE_CONNECTION  0x00008000
#define CAP_MULTI_STATEMENTS   0x00010000
#define CAP_MULTI_RESULTS      0x00020000
#define CAP_PS_MULTI_RESULTS   0x00040000
#define CAP_PLUGIN_AUTH	       0x00080000
#define CAP_CONNECT_ATTRS      0x00100000
#define CAP_PLUGIN_AUTH_LENENC 0x00200000
#define CAP_DEPRECATE_EOF      0x01000000

#define SERVER_STATUS_AUTOCOMMIT 0x0002
#define CHARSET_UTF8MB4		 45 /* utf8mb4_general_ci */
#define GREETING_VERSION	 "8.0.0-gatewayd"

/* A handshake reply larger than this is refused before it is read. */
#define HANDSHAKE_MAX	(64 * 1024)
#define SSL_REQUEST_LEN 32
#define CLOSE_GRACE	2     /* seconds to flush a final error */
#define CLOSE_POLL_US	20000 /* how often to look meanwhile */

static void client_timeout(evutil_socket_t, short, void *);
static void client_first(const uint8_t *, size_t);
static void client_starttls(void);
static int client_flushed(void);

/* Frame a payload as one packet (payloads here stay under 16 MiB). */
int
client_packet(const struct buf *payload, uint8_t seq)
{
	uint8_t h[4];

	h[0] = payload->b_len & 0xff;
	h[1] = (payload->b_len >> 8) & 0xff;
	h[2] = (payload->b_len >> 16) & 0xff;
	h[3] = seq;
	if (bufferevent_write(wk->w_client, h, sizeof(h)) == -1 ||
	    bufferevent_write(wk->w_client, payload->b_data, payload->b_len) ==
		-1)
		return -1;
	return 0;
}

void
client_start(void)
{
	struct timeval tv;
	struct buf b;
	uint32_t caps;
	int r = GW_OK;

	wk->w_client = bufferevent_socket_new(wk->w_base, FD_CLIENT, 0);
	wk->w_timer = evtimer_new(wk->w_base, client_timeout, NULL);
	if (wk->w_client == NULL || wk->w_timer == NULL)
		fatalx("client events");
	if (getrandom(wk->w_scramble, sizeof(wk->w_scramble), 0) !=
		sizeof(wk->w_scramble) ||
	    getrandom(&wk->w_conn_id, sizeof(wk->w_conn_id), 0) !=
		sizeof(wk->w_conn_id))
		fatal("getrandom");
	/* The scramble is NUL-terminated on the wire: no zero bytes. */
	for (size_t i = 0; i < sizeof(wk->w_scramble); i++)
		wk->w_scramble[i] = (uint8_t)(wk->w_scramble[i] % 94 + 33);
	wk->w_conn_id &= 0x7fffffff;

	caps = CAP_LONG_PASSWORD | CAP_FOUND_ROWS | CAP_LONG_FLAG |
	    CAP_CONNECT_WITH_DB | CAP_PROTOCOL_41 | CAP_TRANSACTIONS |
	    CAP_SECURE_CONNECTION | CAP_MULTI_STATEMENTS | CAP_MULTI_RESULTS |
	    CAP_PS_MULTI_RESULTS | CAP_PLUGIN_AUTH | CAP_CONNECT_ATTRS |
	    CAP_PLUGIN_AUTH_LENENC | CAP_DEPRECATE_EOF;
	if (wk->w_setup.flags & IPC_SETUP_TLS)
		caps |= CAP_SSL;
	wk->w_caps = caps;

	buf_init(&b, 256);
	r |= buf_put_u8(&b, 10);
	if (wk->w_server_version[0] != '\0')
		r |= buf_put(
		    &b, wk->w_server_version, strlen(wk->w_server_version) + 1);
	else
		r |= buf_put(&b, GREETING_VERSION, sizeof(GREETING_VERSION));
	r |= buf_put_u32(&b, wk->w_conn_id);
	r |= buf_put(&b, wk->w_scramble, 8);
	r |= buf_put_u8(&b, 0);
	r |= buf_put_u16(&b, caps & 0xffff);
	r |= buf_put_u8(&b, CHARSET_UTF8MB4);
	r |= buf_put_u16(&b, SERVER_STATUS_AUTOCOMMIT);
	r |= buf_put_u16(&b, caps >> 16);
	r |= buf_put_u8(&b, sizeof(wk->w_scramble) + 1);
	r |= buf_put(&b, "\0\0\0\0\0\0\0\0\0\0", 10);
	r |= buf_put(&b, wk->w_scramble + 8, 12);
	r |= buf_put_u8(&b, 0);
	r |= buf_put(
	    &b, "mysql_native_password", sizeof("mysql_native_password"));
	if (r != GW_OK || client_packet(&b, 0) == -1)
		fatalx("greeting");
	buf_free(&b);
	wk->w_seq = 1;

	bufferevent_setcb(wk->w_client, client_read, NULL, client_event, NULL);
	bufferevent_setwatermark(wk->w_client, EV_READ, 4, HANDSHAKE_MAX + 4);
	bufferevent_enable(wk->w_client, EV_READ | EV_WRITE);
	tv.tv_sec = wk->w_setup.handshake_timeout;
	tv.tv_usec = 0;
	evtimer_add(wk->w_timer, &tv);
	worker_state(WS_GREETING);
}

/* Switch the connection to TLS after an SSLRequest. */
static void
client_starttls(void)
{
	struct bufferevent *bev;

	if ((bev = tls_accept(wk->w_client, wk->w_tls)) == NULL) {
		log_warnx("cannot start TLS");
		worker_finish(IPC_REASON_INTERNAL, "cannot start TLS");
	}
	wk->w_plain = wk->w_client;
	wk->w_client = bev;
	bufferevent_setcb(bev, client_read, NULL, client_event, NULL);
	bufferevent_setwatermark(bev, EV_READ, 4, HANDSHAKE_MAX + 4);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	worker_state(WS_TLS);
}

/*
 * The client's first packet: an SSLRequest, or a plaintext login, which
 * only a Unix socket listener configured for it accepts.
 */
static void
client_first(const uint8_t *p, size_t len)
{
	struct cursor c;
	uint32_t caps;

	cur_init(&c, p, len);
	caps = cur_u32(&c);
	if (c.c_err != GW_OK) {
		log_info("handshake reply too short (%zu bytes)", len);
		client_close(IPC_REASON_CLIENT, ER_HANDSHAKE_ERROR, "08S01",
		    "Bad handshake");
		return;
	}
	if ((caps & CAP_SSL) && len == SSL_REQUEST_LEN && wk->w_tls != NULL) {
		client_starttls();
		return;
	}
	if (!(wk->w_setup.flags & IPC_SETUP_PLAINTEXT)) {
		log_info("plaintext login refused");
		client_close(IPC_REASON_CLIENT, ER_SECURE_TRANSPORT_REQUIRED,
		    "HY000",
		    "Connections using insecure transport are "
		    "prohibited; connect with TLS");
		return;
	}
	login_packet(p, len);
}

/*
 * Read one whole handshake packet: the sequence id must be the one
 * expected and the length under HANDSHAKE_MAX, checked from the header
 * before the payload is buffered.
 */
void
client_read(struct bufferevent *bev, void *arg)
{
	static uint8_t pkt[HANDSHAKE_MAX];
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t h[4];
	size_t len;

	if (wk->w_state != WS_GREETING && wk->w_state != WS_LOGIN &&
	    wk->w_state != WS_SWITCH) {
		/* Nothing more is read once the session is closing. */
		if (wk->w_state == WS_CLOSING)
			client_discard(in);
		return;
	}
	if (evbuffer_copyout(in, h, sizeof(h)) != sizeof(h))
		return;
	len = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
	if (h[3] != wk->w_seq) {
		log_info("handshake packet with sequence id %u, expected %u",
		    h[3], wk->w_seq);
		client_close(IPC_REASON_CLIENT, ER_HANDSHAKE_ERROR, "08S01",
		    "Bad handshake");
		return;
	}
	if (len > HANDSHAKE_MAX) {
		log_info("handshake packet of %zu bytes refused", len);
		client_close(IPC_REASON_CLIENT, ER_NET_PACKET_TOO_LARGE,
		    "08S01", "Handshake packet too large");
		return;
	}
	if (evbuffer_get_length(in) < len + 4)
		return;
	evbuffer_drain(in, 4);
	if (evbuffer_remove(in, pkt, len) != (int)len)
		fatalx("evbuffer_remove");
	wk->w_seq++;
	if (wk->w_state == WS_GREETING)
		client_first(pkt, len);
	else if (wk->w_state == WS_LOGIN)
		login_packet(pkt, len);
	else
		login_switched(pkt, len);
	explicit_bzero(pkt, len);
}

void
client_event(struct bufferevent *bev, short what, void *arg)
{
	char ver[32], cipher[64];

	if ((what & BEV_EVENT_CONNECTED) && wk->w_state == WS_TLS) {
		tls_describe(bev, ver, sizeof(ver), cipher, sizeof(cipher));
		log_verbose("TLS established: %s, %s", ver, cipher);
		if (worker_record("tls",
			json_pack("{s:s,s:s}", "version", ver, "cipher",
			    cipher)) == -1)
			worker_finish(
			    IPC_REASON_INTERNAL, "session log unwritable");
		worker_state(WS_LOGIN);
		/* The login may have come in with the handshake's end. */
		client_read(bev, NULL);
		return;
	}
	/* Closing anyway: the reason is the one we were closing for. */
	if (wk->w_state == WS_CLOSING)
		worker_finish(wk->w_reason, "%s", wk->w_reason_text);
	if (wk->w_state == WS_TLS) {
		tls_log_errors("TLS handshake");
		worker_finish(IPC_REASON_CLIENT, "TLS handshake failed");
	}
	if (what & BEV_EVENT_EOF)
		worker_finish(IPC_REASON_QUIT, "client closed the connection");
	worker_finish(IPC_REASON_CLIENT, "client connection error");
}

/*
 * Input that comes in while closing is dropped, but noted: a client still
 * sending (the rest of a message refused as too large) has not read the
 * final error yet, and closing on unread input would reset the connection
 * and lose the error on its way.  Such a client gets the grace period to
 * hang up.
 */
void
client_discard(struct evbuffer *in)
{
	if (evbuffer_get_length(in) > 0)
		wk->w_close_busy = 1;
	evbuffer_drain(in, evbuffer_get_length(in));
}

/* Both layers written out: the final error has left. */
static int
client_flushed(void)
{
	if (evbuffer_get_length(bufferevent_get_output(wk->w_client)) != 0)
		return 0;
	if (wk->w_plain != NULL &&
	    evbuffer_get_length(bufferevent_get_output(wk->w_plain)) != 0)
		return 0;
	return 1;
}

static void
client_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct timeval tv = {0, CLOSE_POLL_US};

	if (wk->w_state == WS_CLOSING) {
		/*
		 * Flushed, unless the client was still sending: then it
		 * hangs up once it has read the error, or time runs out.
		 */
		if ((client_flushed() && !wk->w_close_busy) ||
		    --wk->w_close_polls <= 0)
			worker_finish(wk->w_reason, "%s", wk->w_reason_text);
		evtimer_add(wk->w_timer, &tv);
		return;
	}
	log_info("handshake timeout after %u seconds",
	    wk->w_setup.handshake_timeout);
	client_close(IPC_REASON_TIMEOUT, ER_HANDSHAKE_ERROR, "08S01",
	    "Handshake timeout");
}

/*
 * Send the client a final error packet, then end the session once it has
 * been written through every layer, or after a short grace period.
 */
void
client_close(uint16_t reason, uint16_t code, const char *state, const char *msg)
{
	struct timeval tv = {0, CLOSE_POLL_US};
	struct buf b;
	int r = GW_OK;

	if (wk->w_state == WS_CLOSING)
		return;
	wk->w_reason = reason;
	strlcpy(wk->w_reason_text, msg, sizeof(wk->w_reason_text));
	/* Before the greeting or mid-TLS there is no one to tell. */
	if (wk->w_client == NULL || wk->w_state == WS_TLS)
		worker_finish(reason, "%s", msg);

	buf_init(&b, 1024);
	r |= buf_put_u8(&b, 0xff);
	r |= buf_put_u16(&b, code);
	r |= buf_put_u8(&b, '#');
	r |= buf_put(&b, state, 5);
	r |= buf_put(&b, msg, strnlen(msg, 512));
	if (r != GW_OK || client_packet(&b, wk->w_seq) == -1)
		worker_finish(reason, "%s", msg);
	buf_free(&b);

	worker_state(WS_CLOSING);
	wk->w_close_polls = CLOSE_GRACE * 1000000 / CLOSE_POLL_US;
	evtimer_del(wk->w_timer);
	evtimer_add(wk->w_timer, &tv);
}
