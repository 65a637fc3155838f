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
 * A worker that misbehaves on purpose, for the end-to-end tests.  The
 * parent execs it in place of gatewayd-worker, with the same descriptor
 * layout.  It reads one line from its client naming what to do, then
 * either behaves ("good") or sends the broker one broken message and
 * waits to be killed.  It reports progress to its client in lines.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"

#define FD_CLIENT 3
#define FD_BROKER 4

static struct ipc_chan chan;
static uint8_t payload[IPC_MAX_PAYLOAD];

static void
say(const char *s)
{
	(void)!write(FD_CLIENT, s, strlen(s));
}

static int
wait_fd(int fd, int ms)
{
	struct pollfd pfd = {fd, POLLIN, 0};

	return poll(&pfd, 1, ms) == 1;
}

static void
recv_one(uint16_t want)
{
	struct ipc_hdr h;
	int n, fd;

	if (!wait_fd(FD_BROKER, 10000))
		exit(2);
	n = ipc_recv(&chan, &h, payload, sizeof(payload), &fd);
	if (n < 0 || h.ih_type != want)
		exit(3);
}

static void
send_msg(uint16_t type, const struct buf *b, int fd)
{
	if (ipc_send(&chan, type, b, fd) != GW_OK)
		exit(4);
}

static void
send_log(const char *text)
{
	struct ipc_log m;
	struct buf b;

	memset(&m, 0, sizeof(m));
	m.level = 6;
	snprintf(m.text, sizeof(m.text), "%s", text);
	buf_init(&b, IPC_MAX_PAYLOAD);
	if (ipc_encode_log(&b, &m) != GW_OK)
		exit(5);
	send_msg(IPC_W2B_LOG, &b, -1);
	buf_free(&b);
}

/* A datagram whose header claims more payload than it carries. */
static void
send_badlen(void)
{
	struct buf b;

	buf_init(&b, 64);
	if (buf_put_u16(&b, IPC_W2B_LOG) || buf_put_u16(&b, 0) ||
	    buf_put_u32(&b, 100) || buf_put_u64(&b, chan.ic_session) ||
	    buf_put_u32(&b, chan.ic_seq_out + 1) || buf_put_u8(&b, 6))
		exit(5);
	if (send(FD_BROKER, b.b_data, b.b_len, 0) == -1)
		exit(4);
	buf_free(&b);
}

int
main(void)
{
	struct ipc_hdr h;
	struct ipc_hello hello;
	struct buf b;
	char mode[64];
	ssize_t n;
	int fd;

	/* The parent's setup, exactly as a real worker reads it. */
	ipc_chan_init(&chan, FD_BROKER, 0);
	if (!wait_fd(FD_BROKER, 5000))
		return 2;
	if (ipc_recv(&chan, &h, payload, sizeof(payload), &fd) < 0 ||
	    h.ih_type != IPC_P2W_SETUP)
		return 3;
	chan.ic_session = h.ih_session;

	if (!wait_fd(FD_CLIENT, 10000) ||
	    (n = read(FD_CLIENT, mode, sizeof(mode) - 1)) <= 0)
		return 6;
	mode[n] = '\0';
	mode[strcspn(mode, "\r\n")] = '\0';

	memset(&hello, 0, sizeof(hello));
	hello.version = IPC_VERSION;
	hello.pid = (uint32_t)getpid();
	buf_init(&b, 64);
	if (ipc_encode_hello(&b, &hello) != GW_OK)
		return 5;
	send_msg(IPC_W2B_HELLO, &b, -1);
	if (strcmp(mode, "badphase") == 0) {
		/* A second hello: valid bytes, wrong phase. */
		send_msg(IPC_W2B_HELLO, &b, -1);
	}
	recv_one(IPC_B2W_HELLO);

	if (strcmp(mode, "good") == 0) {
		say("hello-ok\n");
		/* Relay each client line to the broker as a log line. */
		while (wait_fd(FD_CLIENT, 60000) &&
		    (n = read(FD_CLIENT, mode, sizeof(mode) - 1)) > 0) {
			mode[n] = '\0';
			mode[strcspn(mode, "\r\n")] = '\0';
			send_log(mode);
			say("logged\n");
		}
		return 0;
	} else if (strcmp(mode, "badtype") == 0) {
		buf_reset(&b);
		send_msg(999, &b, -1);
	} else if (strcmp(mode, "badlen") == 0) {
		send_badlen();
	} else if (strcmp(mode, "badseq") == 0) {
		chan.ic_seq_out += 5;
		send_log("out of order");
	} else if (strcmp(mode, "badtext") == 0) {
		send_log("bell \a in a log line");
	} else if (strcmp(mode, "fd") == 0) {
		struct ipc_log m;

		memset(&m, 0, sizeof(m));
		m.level = 6;
		buf_reset(&b);
		if (ipc_encode_log(&b, &m) != GW_OK)
			return 5;
		send_msg(IPC_W2B_LOG, &b, FD_CLIENT);
	} else if (strcmp(mode, "badphase") != 0) {
		say("unknown mode\n");
		return 7;
	}
	say("sent\n");
	/* Wait to be killed; the test reads EOF on its socket. */
	sleep(30);
	say("survived\n");
	return 0;
}
