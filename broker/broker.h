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

#include <mysql.h>

#include "common/buf.h"
#include "common/ipc.h"
#include "broker/token.h"
#include "policy/conf.h"

struct ledger;

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
	MYSQL *be_admin;     /* kept open for minting */
	char be_self[256];   /* our host, as the server sees us */
};
TAILQ_HEAD(backends, backend);

/*
 * Phases of a worker's session; each is one bit so that the permit table
 * can list the phases in which a message may arrive.
 */
enum bs_phase {
	BS_NEW = 0x01,	   /* channel handed over; awaiting HELLO */
	BS_READY = 0x02,   /* greeted; awaiting the agent's login */
	BS_GRANTED = 0x04, /* login granted; awaiting the dial request */
	BS_RELAY = 0x08,   /* the worker has its database socket */
	BS_CLOSED = 0x10,  /* BYE received or session ended */
	BS_ENDING = 0x20,  /* refused or told to close; awaiting its BYE */
};

/*
 * A grant window: one agent subject, one grant, one minted user, shared
 * by every session of that subject under that grant until it ends.
 */
struct window {
	TAILQ_ENTRY(window) wi_entry;
	char wi_id[17]; /* 16 hex digits, for gatewayctl */
	char wi_subject[256];
	char wi_connection[IPC_NAME_MAX];
	char wi_grant[IPC_NAME_MAX];
	char wi_user[IPC_NAME_MAX];
	char wi_password[IPC_SECRET_MAX];
	char wi_host[256];
	int64_t wi_expiry;
	int wi_sessions;
	struct event *wi_timer;
};
TAILQ_HEAD(windows, window);

/* A token verifier for each configured identity. */
struct verifier {
	TAILQ_ENTRY(verifier) ve_entry;
	const struct conf_identity *ve_identity;
	struct token_verifier *ve_tv;
};
TAILQ_HEAD(verifiers, verifier);

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
	struct window *bs_window;     /* once granted */
	char bs_dialed[IPC_PEER_MAX]; /* our end of its database socket */
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

	struct verifiers b_verifiers;
	struct windows b_windows;
	struct ledger *b_ledger;
};

extern struct broker *br;

/* broker.c */
void broker_parent_send(uint16_t, uint64_t, const struct buf *);

/* session.c */
void bsession_new(uint64_t, int, const struct ipc_session *);
void bsession_ended(uint64_t, const struct ipc_session_end *);
void bsession_close_all(uint16_t, const char *);
const char *bs_phase_name(enum bs_phase);

/* auth.c */
void auth_login(struct bsession *, const struct ipc_auth *);
void auth_dial(struct bsession *);
void auth_session_gone(struct bsession *);
void auth_conf_loaded(void);
void windows_end_all(void);
struct window *window_by_id(const char *);
int window_revoke(struct window *, const char *, int64_t *);
int session_kill(uint64_t, const char *);

/* backend.c */
void backend_check_all(struct backends *, const struct conf *);
struct backend *backend_find(struct backends *, const char *);
MYSQL *backend_admin(struct backend *, const struct conf_connection *);
int backend_dial(const struct conf_connection *, char *, size_t);
int backend_ca(const struct conf_connection *, uint8_t *, size_t, size_t *,
    char *, size_t);
void backends_free(struct backends *);

/* control.c */
void control_init(int);

#endif /* GW_BROKER_H */
