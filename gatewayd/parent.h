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
 * The parent's private declarations.  The parent runs as root, parses the
 * configuration, owns the listeners, and forks and execs the broker and
 * one worker per connection.  It never parses a byte from the network.
 */

#ifndef GW_PARENT_H
#define GW_PARENT_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "common/ipc.h"
#include "policy/conf.h"

/*
 * Descriptor layout of an exec'd worker:
 *	0, 1	/dev/null
 *	2	the parent's stderr
 *	3	the client's socket
 *	4	its channel to the broker (SOCK_SEQPACKET); P2W_SETUP waits
 *		there as the first broker-to-worker message
 *	5	its session log, O_WRONLY | O_APPEND
 * and of the broker:
 *	0, 1	/dev/null
 *	2	the parent's stderr
 *	3	its channel to the parent (SOCK_SEQPACKET)
 */
#define FD_WORKER_CLIENT 3
#define FD_WORKER_BROKER 4
#define FD_WORKER_LOG	 5
#define FD_BROKER_PARENT 3

struct listener {
	TAILQ_ENTRY(listener) ls_entry;
	int ls_fd;
	uint16_t ls_index;
	int ls_unix;
	int ls_tls;
	int ls_plaintext;
	char *ls_name;
	char *ls_path; /* Unix socket to remove at exit */
	char *ls_cert;
	char *ls_key;
	struct event *ls_ev;
	int ls_stale; /* gone from the new configuration */
};
TAILQ_HEAD(listeners, listener);

/* Sessions counted per source address, for the per-source limit. */
struct source {
	TAILQ_ENTRY(source) so_entry;
	uint8_t so_key[17]; /* family byte and address */
	int so_count;
};
TAILQ_HEAD(sources, source);

struct session {
	TAILQ_ENTRY(session) se_entry;
	uint64_t se_id;
	pid_t se_pid;
	struct source *se_source;
	time_t se_start;
	char se_peer[IPC_PEER_MAX];
};
TAILQ_HEAD(sessions, session);

struct parent {
	struct event_base *p_base;
	const char *p_conffile;
	const char *p_libexec;
	struct conf *p_conf;
	struct conf *p_pending; /* sent, awaiting READY */
	char *p_text;		/* text of p_pending */
	size_t p_textlen;
	uint32_t p_generation;
	int p_foreground;
	int p_verbose;
	int p_logdir; /* descriptor of the log directory */
	int p_ctlfd;

	pid_t p_broker_pid;
	struct ipc_chan p_broker;
	struct event *p_broker_ev;
	int p_ready;

	struct listeners p_listeners;
	struct sessions p_sessions;
	struct sources p_sources;
	int p_nsessions;
	int p_tokens; /* accept rate bucket */
	struct event *p_tick;
	int p_paused; /* listeners off: rate or limit */
	int p_draining;
	struct event *p_drain;
};

extern struct parent *gw;

/* gatewayd.c */
void parent_broker_send(uint16_t, uint64_t, const struct buf *, int);

/* listen.c */
int listeners_open(struct conf *);
void listeners_enable(int);
void listeners_close(void);
void session_exited(pid_t, int);
void session_kill(uint64_t, int);
void sessions_signal(int);

#endif /* GW_PARENT_H */
