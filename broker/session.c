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
 * The broker's side of each worker's channel.  Every message is checked
 * against a permit table for the session's phase; anything else means the
 * worker is compromised or broken.  The broker then ends that session, and
 * only that session: it logs the violation, closes the channel and asks
 * the parent to kill the worker.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "broker/broker.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"

static void bsession_dispatch(evutil_socket_t, short, void *);
static int bsession_read(struct bsession *);
static void bsession_free(struct bsession *);
static void bsession_violation(struct bsession *, const char *, int);
static void bsession_phase(struct bsession *, enum bs_phase);
static int bsession_send(struct bsession *, uint16_t, const struct buf *);

#define BS_OPEN (BS_NEW | BS_READY | BS_GRANTED | BS_RELAY | BS_ENDING)

/*
 * The permit table: each request is allowed once, in order.  A worker
 * logs in once, and asks for its database once, after a grant.
 */
static const struct ipc_rule worker_rules[] = {
    {IPC_W2B_HELLO, 8, 8, 0, BS_NEW},
    {IPC_W2B_LOG, 3, 3 + IPC_TEXT_MAX, 0, BS_OPEN},
    {IPC_W2B_BYE, 4, 4 + IPC_TEXT_MAX, 0, BS_OPEN},
    {IPC_W2B_AUTH, 23, IPC_MAX_PAYLOAD, 0, BS_READY},
    {IPC_W2B_BACKEND, 0, 0, 0, BS_GRANTED},
};

const char *
bs_phase_name(enum bs_phase phase)
{
	switch (phase) {
	case BS_NEW:
		return "new";
	case BS_READY:
		return "ready";
	case BS_GRANTED:
		return "granted";
	case BS_RELAY:
		return "relay";
	case BS_CLOSED:
		return "closed";
	case BS_ENDING:
		return "ending";
	}
	return "unknown";
}

static void
bsession_phase(struct bsession *bs, enum bs_phase phase)
{
	log_debug("%s: phase %s -> %s", bs->bs_tag, bs_phase_name(bs->bs_phase),
	    bs_phase_name(phase));
	bs->bs_phase = phase;
}

void
bsession_new(uint64_t id, int fd, const struct ipc_session *m)
{
	struct bsession *bs;

	TAILQ_FOREACH(bs, &br->b_sessions, bs_entry)
		if (bs->bs_id == id)
			fatalx("parent reused session id %016llx",
			    (unsigned long long)id);
	if ((bs = calloc(1, sizeof(*bs))) == NULL) {
		log_warn("session");
		close(fd);
		return;
	}
	bs->bs_id = id;
	log_session_tag(bs->bs_tag, sizeof(bs->bs_tag), id);
	bs->bs_pid = (pid_t)m->pid;
	bs->bs_phase = BS_NEW;
	bs->bs_start = time(NULL);
	bs->bs_listener = m->listener;
	strlcpy(bs->bs_peer, m->peer, sizeof(bs->bs_peer));
	/* The parent's SETUP was message 1 towards the worker. */
	ipc_chan_init(&bs->bs_chan, fd, id);
	bs->bs_chan.ic_seq_out = 1;
	if (evutil_make_socket_nonblocking(fd) == -1 ||
	    (bs->bs_ev = event_new(br->b_base, fd, EV_READ | EV_PERSIST,
		 bsession_dispatch, bs)) == NULL ||
	    event_add(bs->bs_ev, NULL) == -1) {
		log_warnx("%s: cannot watch the worker's channel", bs->bs_tag);
		if (bs->bs_ev != NULL)
			event_free(bs->bs_ev);
		close(fd);
		free(bs);
		return;
	}
	TAILQ_INSERT_TAIL(&br->b_sessions, bs, bs_entry);
	br->b_nsessions++;
	log_debug("%s: session from %s, worker %ld", bs->bs_tag, bs->bs_peer,
	    (long)bs->bs_pid);
}

static void
bsession_free(struct bsession *bs)
{
	auth_session_gone(bs);
	TAILQ_REMOVE(&br->b_sessions, bs, bs_entry);
	br->b_nsessions--;
	event_free(bs->bs_ev);
	close(bs->bs_chan.ic_fd);
	free(bs);
}

static int
bsession_send(struct bsession *bs, uint16_t type, const struct buf *b)
{
	int r;

	if ((r = ipc_send(&bs->bs_chan, type, b, -1)) != GW_OK) {
		/* A worker that does not read its channel is broken. */
		bsession_violation(bs, "cannot send to the worker", r);
		return -1;
	}
	log_trace("%s: ipc: sent %s", bs->bs_tag, ipc_type_name(type));
	return 0;
}

/* The worker broke the protocol: end its session and nothing else. */
static void
bsession_violation(struct bsession *bs, const char *what, int error)
{
	log_warnx("%s: protocol violation by worker %ld: %s: %s; ending the "
		  "session",
	    bs->bs_tag, (long)bs->bs_pid, what, gw_strerror(error));
	broker_parent_send(IPC_B2P_SESSION_KILL, bs->bs_id, NULL);
	bsession_free(bs);
}

/*
 * The parent saw the worker exit.  Read what the worker left in its
 * channel first, so that its last words are logged.
 */
void
bsession_ended(uint64_t id, const struct ipc_session_end *m)
{
	struct bsession *bs;

	TAILQ_FOREACH(bs, &br->b_sessions, bs_entry)
		if (bs->bs_id == id)
			break;
	if (bs == NULL)
		return;
	if (bsession_read(bs) == -1)
		return;
	if (bs->bs_phase != BS_CLOSED)
		log_info("%s: worker %ld ended without saying goodbye",
		    bs->bs_tag, (long)m->pid);
	bsession_free(bs);
}

void
bsession_close_all(uint16_t reason, const char *text)
{
	struct ipc_bye m;
	struct bsession *bs, *next;
	struct buf b;

	memset(&m, 0, sizeof(m));
	m.reason = reason;
	strlcpy(m.text, text, sizeof(m.text));
	buf_init(&b, IPC_MAX_PAYLOAD);
	if (ipc_encode_bye(&b, &m) != GW_OK)
		fatalx("encode close");
	TAILQ_FOREACH_SAFE(bs, &br->b_sessions, bs_entry, next) {
		if (bs->bs_phase == BS_CLOSED)
			continue;
		/* Best effort: the worker may be gone already. */
		if (ipc_send(&bs->bs_chan, IPC_B2W_CLOSE, &b, -1) != GW_OK)
			log_debug(
			    "%s: worker did not take the close", bs->bs_tag);
	}
	buf_free(&b);
}

/*
 * What workers greet clients as: the first usable database's version,
 * marked as ours.  MariaDB servers prefix "5.5.5-" for old clients, and
 * MariaDB's clients expect it.
 */
static void
greeting_version(char *dst, size_t dstsz)
{
	struct backend *be;

	TAILQ_FOREACH(be, &br->b_backends, be_entry)
		if (be->be_usable && be->be_version[0] != '\0')
			break;
	if (be == NULL) {
		strlcpy(dst, "8.0.0-gatewayd", dstsz);
		return;
	}
	snprintf(dst, dstsz, "%s%.40s-gatewayd",
	    strstr(be->be_version, "MariaDB") != NULL &&
		    strncmp(be->be_version, "5.5.5-", 6) != 0
		? "5.5.5-"
		: "",
	    be->be_version);
}

/* Handlers return -1 when they ended (and freed) the session. */
static int
bsession_hello(struct bsession *bs, const struct ipc_hello *m)
{
	struct ipc_hello reply;
	struct buf b;
	int r;

	if (m->version != IPC_VERSION) {
		bsession_violation(bs, "hello", GW_EVERSION);
		return -1;
	}
	if (m->pid != (uint32_t)bs->bs_pid) {
		bsession_violation(bs, "hello from another pid", GW_EINVAL);
		return -1;
	}
	bsession_phase(bs, BS_READY);
	memset(&reply, 0, sizeof(reply));
	reply.version = IPC_VERSION;
	reply.pid = (uint32_t)getpid();
	greeting_version(reply.server_version, sizeof(reply.server_version));
	buf_init(&b, 64);
	if (ipc_encode_hello_reply(&b, &reply) != GW_OK)
		fatalx("encode hello");
	r = bsession_send(bs, IPC_B2W_HELLO, &b);
	buf_free(&b);
	return r;
}

/* A worker's log line: checked printable by ipc_decode, tagged here. */
static void
bsession_log(struct bsession *bs, const struct ipc_log *m)
{
	char line[LOG_LINE_MAX];

	if (m->level > LOG_INFO && log_getverbose() < LOG_LEVEL_DEBUG)
		return;
	snprintf(line, sizeof(line), "%s: worker: %.900s", bs->bs_tag, m->text);
	log_emit(m->level, line);
}

/*
 * Read every waiting message.  Returns -1 when the session is gone (the
 * structure is freed), 0 otherwise.
 */
static int
bsession_read(struct bsession *bs)
{
	static uint8_t payload[IPC_MAX_PAYLOAD];
	struct ipc_hdr h;
	union ipc_msg m;
	int n, fd;

	for (;;) {
		n = ipc_read(&bs->bs_chan, worker_rules,
		    sizeof(worker_rules) / sizeof(worker_rules[0]),
		    bs->bs_phase, &h, payload, sizeof(payload), &m, &fd);
		if (n == GW_EAGAIN)
			return 0;
		if (n == GW_ECLOSED) {
			/*
			 * Without a BYE first, the worker died or sent an
			 * empty datagram; make sure it is gone.
			 */
			if (bs->bs_phase != BS_CLOSED)
				broker_parent_send(
				    IPC_B2P_SESSION_KILL, bs->bs_id, NULL);
			log_debug("%s: worker closed its channel", bs->bs_tag);
			bsession_free(bs);
			return -1;
		}
		/* A worker is not trusted: a broken message ends it. */
		if (n < 0) {
			bsession_violation(bs, ipc_type_name(h.ih_type), n);
			return -1;
		}
		log_trace("%s: ipc: %s from worker", bs->bs_tag,
		    ipc_type_name(h.ih_type));

		switch (h.ih_type) {
		case IPC_W2B_HELLO:
			if (bsession_hello(bs, &m.hello) == -1)
				return -1;
			break;
		case IPC_W2B_LOG:
			bsession_log(bs, &m.log);
			break;
		case IPC_W2B_AUTH:
			auth_login(bs, &m.auth);
			explicit_bzero(payload, (size_t)n);
			break;
		case IPC_W2B_BACKEND:
			auth_dial(bs);
			break;
		case IPC_W2B_BYE:
			log_info("%s: session closed: %s%s%s", bs->bs_tag,
			    ipc_reason_name(m.bye.reason),
			    m.bye.text[0] ? ": " : "", m.bye.text);
			bsession_phase(bs, BS_CLOSED);
			break;
		}
	}
}

static void
bsession_dispatch(evutil_socket_t fd, short ev, void *arg)
{
	(void)bsession_read(arg);
}
