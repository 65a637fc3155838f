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
 * The relay.  Every message the agent's client sends is framed here:
 * its header is read before its body is buffered, its length held to
 * the maximum packet, and its command byte checked against the list
 * below.  Commands that may pass are moved to the database's socket
 * without being copied; the rest are answered with an error and never
 * reach the database.  Packets of 16 MiB and more continue in the next
 * packet, which is moved along with them.  What the database sends back
 * is moved to the client as it is.
 *
 * Responses are followed packet by packet (common/resp.c), so a packet
 * the database should never send ends the session.
 *
 * XXX Statement rules and masks are not applied yet.
 */

#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/mysql.h"
#include "worker/worker.h"

#define ER_UNKNOWN_COM_ERROR   1047
#define ER_NOT_ALLOWED_COMMAND 1148

/* Stop reading the database while the client has this much unread. */
#define RELAY_HIGH_WATER (4 * 1024 * 1024)

/* What each command byte gets: passed to the database, or refused. */
#define COM_PASS   1
#define COM_REFUSE 2

static const struct {
	uint8_t cmd;
	int what;
} relay_commands[] = {
    {0x01, COM_PASS},	/* COM_QUIT */
    {0x02, COM_PASS},	/* COM_INIT_DB */
    {0x03, COM_PASS},	/* COM_QUERY */
    {0x04, COM_PASS},	/* COM_FIELD_LIST */
    {0x05, COM_REFUSE}, /* COM_CREATE_DB */
    {0x06, COM_REFUSE}, /* COM_DROP_DB */
    {0x07, COM_REFUSE}, /* COM_REFRESH */
    {0x08, COM_REFUSE}, /* COM_SHUTDOWN */
    {0x09, COM_PASS},	/* COM_STATISTICS */
    {0x0a, COM_REFUSE}, /* COM_PROCESS_INFO */
    {0x0c, COM_REFUSE}, /* COM_PROCESS_KILL */
    {0x0d, COM_REFUSE}, /* COM_DEBUG */
    {0x0e, COM_PASS},	/* COM_PING */
    {0x11, COM_REFUSE}, /* COM_CHANGE_USER */
    {0x12, COM_REFUSE}, /* COM_BINLOG_DUMP */
    {0x13, COM_REFUSE}, /* COM_TABLE_DUMP */
    {0x15, COM_REFUSE}, /* COM_REGISTER_SLAVE */
    {0x16, COM_PASS},	/* COM_STMT_PREPARE */
    {0x17, COM_PASS},	/* COM_STMT_EXECUTE */
    {0x18, COM_PASS},	/* COM_STMT_SEND_LONG_DATA */
    {0x19, COM_PASS},	/* COM_STMT_CLOSE */
    {0x1a, COM_PASS},	/* COM_STMT_RESET */
    {0x1b, COM_PASS},	/* COM_SET_OPTION */
    {0x1c, COM_PASS},	/* COM_STMT_FETCH */
    {0x1d, COM_REFUSE}, /* COM_DAEMON */
    {0x1e, COM_REFUSE}, /* COM_BINLOG_DUMP_GTID */
    {0x1f, COM_PASS},	/* COM_RESET_CONNECTION */
};

static void relay_client_read(struct bufferevent *, void *);
static void relay_client_write(struct bufferevent *, void *);
static void relay_client_event(struct bufferevent *, short, void *);
static void relay_backend_read(struct bufferevent *, void *);
static void relay_backend_event(struct bufferevent *, short, void *);
static void relay_refuse(uint8_t, uint8_t);

void
relay_start(void)
{
	struct timeval idle;

	worker_state(WS_RELAY);
	resp_init(&wk->w_resp, wk->w_client_caps);
	evtimer_del(wk->w_timer);
	idle.tv_sec = wk->w_setup.idle_timeout;
	idle.tv_usec = 0;
	bufferevent_setcb(wk->w_client, relay_client_read, relay_client_write,
	    relay_client_event, NULL);
	bufferevent_setwatermark(wk->w_client, EV_READ, 0, 0);
	bufferevent_setwatermark(
	    wk->w_client, EV_WRITE, RELAY_HIGH_WATER / 2, 0);
	bufferevent_set_timeouts(wk->w_client, &idle, NULL);
	bufferevent_enable(wk->w_client, EV_READ | EV_WRITE);
	bufferevent_setcb(
	    wk->w_backend, relay_backend_read, NULL, relay_backend_event, NULL);
	bufferevent_enable(wk->w_backend, EV_READ | EV_WRITE);
	/* Anything the client sent behind its login is waiting. */
	relay_client_read(wk->w_client, NULL);
}

static int
relay_what(uint8_t cmd)
{
	size_t i;

	for (i = 0; i < sizeof(relay_commands) / sizeof(relay_commands[0]); i++)
		if (relay_commands[i].cmd == cmd)
			return relay_commands[i].what;
	return 0;
}

/* Answer a refused command; it never reaches the database. */
static void
relay_refuse(uint8_t cmd, uint8_t seq)
{
	char msg[128];
	struct buf b;
	uint16_t code;
	int what = relay_what(cmd);

	if (what == COM_REFUSE) {
		code = ER_NOT_ALLOWED_COMMAND;
		snprintf(msg, sizeof(msg),
		    "gatewayd: %s is not allowed through the gateway",
		    mysql_com_name(cmd));
	} else {
		code = ER_UNKNOWN_COM_ERROR;
		snprintf(msg, sizeof(msg), "Unknown command 0x%02x", cmd);
	}
	log_verbose("refused %s (0x%02x)", mysql_com_name(cmd), cmd);
	buf_init(&b, 256);
	if (mysql_build_err(&b, code, "HY000", msg, wk->w_client_caps) !=
		GW_OK ||
	    client_packet(&b, seq + 1) == -1)
		fatalx("refusal");
	buf_free(&b);
}

static void
relay_client_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(wk->w_client);
	struct evbuffer *out = bufferevent_get_output(wk->w_backend);
	uint8_t h[5];
	size_t len, n;
	uint8_t cmd = 0;

	for (;;) {
		/* Closing: the final error is on its way, nothing more. */
		if (wk->w_state == WS_CLOSING) {
			client_discard(in);
			return;
		}
		n = evbuffer_copyout(in, h, sizeof(h));
		if (n < 4)
			return;
		len = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
		if (!wk->w_cont) {
			/* A new command: sequence 0, size within bounds. */
			if (h[3] != 0) {
				log_info("command with sequence id %u", h[3]);
				wk->w_seq = 1;
				client_close(IPC_REASON_CLIENT,
				    ER_HANDSHAKE_ERROR, "08S01",
				    "Packets out of order");
				return;
			}
			wk->w_msglen = 0;
			wk->w_drop = 0;
		}
		if (len > wk->w_setup.max_packet - wk->w_msglen) {
			log_info("message over %u bytes refused",
			    wk->w_setup.max_packet);
			/* The answer follows the packet that went too far. */
			wk->w_seq = h[3] + 1;
			client_close(IPC_REASON_CLIENT, ER_NET_PACKET_TOO_LARGE,
			    "08S01", "Got a packet bigger than allowed");
			return;
		}
		if (evbuffer_get_length(in) < 4 + len)
			return;
		if (!wk->w_cont) {
			cmd = n > 4 ? h[4] : 0;
			if (len == 0 || relay_what(cmd) != COM_PASS) {
				relay_refuse(cmd, h[3]);
				wk->w_drop = 1;
			}
		}
		if (!wk->w_cont && !wk->w_drop && cmd == 0x01)
			wk->w_quit = 1;
		if (!wk->w_cont && !wk->w_drop &&
		    resp_expect(&wk->w_resp, cmd) != GW_OK) {
			log_info(
			    "over %d commands awaiting answers", RESP_QUEUE);
			client_close(IPC_REASON_CLIENT, ER_NET_PACKET_TOO_LARGE,
			    "08S01", "Too many commands in flight");
			return;
		}
		wk->w_msglen += len;
		wk->w_cont = len == MYSQL_PACKET_MAX;
		if (wk->w_drop)
			evbuffer_drain(in, 4 + len);
		else if (evbuffer_remove_buffer(in, out, 4 + len) !=
		    (int)(4 + len))
			fatalx("relay to the database");
	}
}

/*
 * The database's packets, each followed by the response state machine
 * and then moved to the client whole, without copying.
 */
static void
relay_backend_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer *out = bufferevent_get_output(wk->w_client);
	uint8_t pre[MYSQL_HDR_LEN + 32];
	const char *why;
	size_t n, len;

	for (;;) {
		n = evbuffer_copyout(in, pre, sizeof(pre));
		if (n < MYSQL_HDR_LEN)
			break;
		len =
		    (size_t)pre[0] | (size_t)pre[1] << 8 | (size_t)pre[2] << 16;
		if (evbuffer_get_length(in) < MYSQL_HDR_LEN + len)
			break;
		if (!wk->w_bcont &&
		    resp_packet(&wk->w_resp, pre + MYSQL_HDR_LEN,
			n - MYSQL_HDR_LEN, len, &why) == -1) {
			log_warnx("the database broke the protocol: %s", why);
			client_close(IPC_REASON_INTERNAL, 2027, "HY000",
			    "gatewayd: malformed packet from the database");
			return;
		}
		wk->w_bcont = len == MYSQL_PACKET_MAX;
		if (evbuffer_remove_buffer(in, out, MYSQL_HDR_LEN + len) !=
		    (int)(MYSQL_HDR_LEN + len))
			fatalx("relay to the client");
	}
	/* A slow client: stop reading until it catches up. */
	if (evbuffer_get_length(out) > RELAY_HIGH_WATER)
		bufferevent_disable(bev, EV_READ);
}

static void
relay_client_write(struct bufferevent *bev, void *arg)
{
	/* Below the low-water mark again. */
	bufferevent_enable(wk->w_backend, EV_READ);
}

/* The database has our last bytes: COM_QUIT, or what preceded a hang-up. */
static void
relay_backend_flushed(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		worker_finish(wk->w_quit ? IPC_REASON_QUIT : IPC_REASON_CLIENT,
		    wk->w_quit ? "client quit" : "client connection error");
}

static void
relay_client_event(struct bufferevent *bev, short what, void *arg)
{
	/*
	 * After COM_QUIT, however the client hangs up, it quit; let the
	 * COM_QUIT reach the database first, or it logs an aborted
	 * connection.
	 */
	if (wk->w_quit) {
		bufferevent_disable(bev, EV_READ | EV_WRITE);
		bufferevent_setcb(wk->w_backend, NULL, relay_backend_flushed,
		    relay_backend_event, NULL);
		relay_backend_flushed(wk->w_backend, NULL);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		log_info("idle for %u seconds", wk->w_setup.idle_timeout);
		worker_finish(IPC_REASON_TIMEOUT, "idle timeout");
	}
	client_event(bev, what, arg);
}

static void
relay_backend_event(struct bufferevent *bev, short what, void *arg)
{
	/* After COM_QUIT the database closes first. */
	if (wk->w_quit)
		worker_finish(IPC_REASON_QUIT, "client quit");
	log_info("connection to the database lost");
	client_close(IPC_REASON_INTERNAL, 2013, "HY000",
	    "gatewayd: lost connection to the database");
}
