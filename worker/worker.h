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
 * The worker's private declarations.  One worker serves one client
 * connection, inside a chroot, as an unprivileged user, under a seccomp
 * filter.  It talks to the broker over its channel and to nothing else.
 */

#ifndef GW_WORKER_H
#define GW_WORKER_H

#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

#include "common/dbauth.h"
#include "common/ipc.h"
#include "common/resp.h"

/* Descriptor layout, as the parent sets it up (see gatewayd/parent.h). */
#define FD_CLIENT 3
#define FD_BROKER 4
#define FD_LOG	  5

/* MySQL error numbers the worker sends. */
#define ER_UNKNOWN_ERROR	     1105
#define ER_HANDSHAKE_ERROR	     1043
#define ER_SERVER_SHUTDOWN	     1053
#define ER_ACCESS_DENIED	     1045
#define ER_NET_PACKET_TOO_LARGE	     1153
#define ER_SECURE_TRANSPORT_REQUIRED 3159

/*
 * Session states, in order.  Each is logged by name on every change.
 */
enum ws_state {
	WS_SETUP,    /* setup read, not yet greeted by the broker */
	WS_GREETING, /* greeting sent, awaiting the client's reply */
	WS_TLS,	     /* SSLRequest taken, TLS handshake under way */
	WS_LOGIN,    /* TLS up, awaiting the login packet */
	WS_SWITCH,   /* asked for the cleartext password (the token) */
	WS_AUTH,     /* the broker is deciding */
	WS_BACKEND,  /* granted; logging in to the database */
	WS_RELAY,    /* relaying commands */
	WS_CLOSING,  /* final error sent, waiting for it to drain */
};

struct worker {
	struct event_base *w_base;
	struct ipc_chan w_broker;
	struct event *w_broker_ev;
	struct ipc_setup w_setup;
	uint64_t w_id;
	char w_tag[24];
	enum ws_state w_state;
	struct bufferevent *w_client; /* plain, or TLS over w_plain */
	struct bufferevent *w_plain;  /* the socket under TLS */
	struct ssl_ctx_st *w_tls;     /* loaded before the sandbox */
	uint8_t w_seq;		      /* next sequence id from the client */
	int w_close_polls;	      /* left before giving up a flush */
	int w_close_busy;	      /* client input while closing */
	struct event *w_timer;
	uint32_t w_conn_id; /* the id shown in the greeting */
	uint8_t w_scramble[20];
	uint16_t w_reason; /* why the session ends */
	char w_reason_text[IPC_TEXT_MAX];
	uint64_t w_caps;	   /* offered in the greeting */
	char w_server_version[64]; /* greeted as, from the broker */

	/* The agent's login, kept for the database's. */
	uint64_t w_client_caps; /* what the client's packets follow */
	uint32_t w_max_packet;
	uint8_t w_charset;
	char w_user[IPC_NAME_MAX];
	char w_db[IPC_NAME_MAX];
	char w_reason_attr[256];
	uint32_t w_duration;

	/* The grant and the database session. */
	struct ipc_auth_result w_grant;
	struct bufferevent *w_backend; /* plain, or TLS over w_bplain */
	struct bufferevent *w_bplain;  /* the database socket under TLS */
	struct ssl_ctx_st *w_btls;     /* built from the CA the broker sent */
	char w_bhost[IPC_HOST_MAX];    /* name the certificate must bear */
	struct buf w_blogin;	       /* login, held while TLS starts */
	struct dbauth w_bauth;	       /* the login's plugin exchange */
	int w_bstate;		       /* backend login step */
	uint8_t w_bseq;
	struct event *w_expiry;

	/* Relay: the client's message in progress. */
	int w_cont; /* next packet continues a message */
	int w_drop; /* dropping the rest of a refused one */
	size_t w_msglen;
	int w_quit;	    /* COM_QUIT relayed */
	struct resp w_resp; /* the database's responses, followed */
	int w_bcont;	    /* next database packet continues one */
};

extern struct worker *wk;

/* worker.c */
void worker_state(enum ws_state);
void worker_finish(uint16_t, const char *, ...)
    __attribute__((format(printf, 2, 3), noreturn));
int worker_record(const char *, json_t *);

/* tls.c */
struct evbuffer;
struct ssl_ctx_st *tls_server_init(const char *, const char *);
struct bufferevent *tls_accept(struct bufferevent *, struct ssl_ctx_st *);
void tls_describe(struct bufferevent *, char *, size_t, char *, size_t);
void tls_log_errors(const char *);
struct ssl_ctx_st *tls_client_init(const uint8_t *, size_t);
struct bufferevent *
tls_connect(struct bufferevent *, struct ssl_ctx_st *, const char *);
const char *tls_verify_error(struct bufferevent *);

/* client.c */
void client_start(void);
void client_close(uint16_t, uint16_t, const char *, const char *);
void client_discard(struct evbuffer *);
void client_read(struct bufferevent *, void *);
void client_event(struct bufferevent *, short, void *);
int client_packet(const struct buf *, uint8_t);

/* login.c */
void login_packet(const uint8_t *, size_t);
void login_switched(const uint8_t *, size_t);
void login_result(const struct ipc_auth_result *);

/* backend.c */
void backend_start(int, const struct ipc_backend *);
void backend_quit(void);

/* relay.c */
void relay_start(void);

#endif /* GW_WORKER_H */
