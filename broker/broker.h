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
 * The broker's private declarations.  The broker holds the admin
 * credentials, keeps one channel per worker, and serves the control
 * socket.  It treats every worker message as hostile.
 */

#ifndef GW_BROKER_H
#define GW_BROKER_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "common/buf.h"
#include "common/ipc.h"
#include "policy/conf.h"

/* Descriptor layout: 3 is the channel to the parent (see parent.h). */
#define FD_BROKER_PARENT 3

/* A configured connection's backend, as the broker knows it. */
struct backend {
	TAILQ_ENTRY(backend) be_entry;
	char be_name[IPC_NAME_MAX];
	char be_user[IPC_NAME_MAX];
	char be_password[IPC_SECRET_MAX];
	int be_have_creds;
	int be_usable;	     /* admin login worked at load */
	char be_version[64]; /* the server's version string */
	char be_error[256];  /* why it is not usable */
};
TAILQ_HEAD(backends, backend);

/*
 * Phases of a worker's session; each is one bit so that the permit table
 * can list the phases in which a message may arrive.
 */
enum bs_phase {
	BS_NEW = 0x01,	  /* channel handed over; awaiting HELLO */
	BS_READY = 0x02,  /* greeted; the worker may talk to its client */
	BS_CLOSED = 0x04, /* BYE received or session ended */
};

struct bsession {
	TAILQ_ENTRY(bsession) bs_entry;
	uint64_t bs_id;
	char bs_tag[24];
	pid_t bs_pid;
	enum bs_phase bs_phase;
	struct ipc_chan bs_chan;
	struct event *bs_ev;
	time_t bs_start;
	char bs_peer[IPC_PEER_MAX];
	uint16_t bs_listener;
};
TAILQ_HEAD(bsessions, bsession);

struct broker {
	struct event_base *b_base;
	struct ipc_chan b_parent;
	struct event *b_parent_ev;
	struct conf *b_conf;
	struct backends b_backends;
	struct bsessions b_sessions;
	int b_nsessions;
	time_t b_start;

	/* The configuration being received. */
	uint32_t b_generation;
	struct buf b_text;
	struct backends b_incoming;
};

extern struct broker *br;

/* broker.c */
void broker_parent_send(uint16_t, uint64_t, const struct buf *);

/* session.c */
void bsession_new(uint64_t, int, const struct ipc_session *);
void bsession_ended(uint64_t, const struct ipc_session_end *);
void bsession_close_all(uint16_t, const char *);
const char *bs_phase_name(enum bs_phase);

/* backend.c */
void backend_check_all(struct backends *, const struct conf *);
struct backend *backend_find(struct backends *, const char *);
void backends_free(struct backends *);

/* control.c */
void control_init(int);

#endif /* GW_BROKER_H */
