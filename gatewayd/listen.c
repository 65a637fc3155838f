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
 * Listeners and sessions in the parent.  Before it forks, the parent
 * applies three limits: an accept rate (a token bucket refilled every
 * second), a global session count and a per-source count.  A connection
 * over a limit gets a fixed MySQL error packet and is closed; the parent
 * never reads from it.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <sys/random.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/proctitle.h"
#include "gatewayd/parent.h"

/* MySQL's ER_CON_COUNT_ERROR, sent instead of a greeting. */
#define ER_CON_COUNT_ERROR 1040

static void listen_accept(evutil_socket_t, short, void *);
static void listen_tick(evutil_socket_t, short, void *);
static int listener_open(struct conf_listen *, uint16_t, struct listener *);
static void listener_free(struct listener *);
static void refuse(int, const char *);
static struct source *source_get(const struct sockaddr_storage *);
static void source_put(struct source *);
static void
peer_name(const struct sockaddr_storage *, socklen_t, char *, size_t);
static int session_spawn(struct listener *, int, struct source *, const char *);
static int session_log_open(uint64_t);

static int
listener_open(struct conf_listen *cl, uint16_t index, struct listener *ls)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_un sun;
	char port[16];
	int fd = -1, on = 1, r;
	mode_t old;

	if (cl->l_kind == CONF_LISTEN_UNIX) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlcpy(sun.sun_path, cl->l_addr, sizeof(sun.sun_path)) >=
		    sizeof(sun.sun_path)) {
			log_warnx("%s: path too long", cl->l_addr);
			return -1;
		}
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd == -1)
			goto fail;
		if (unlink(cl->l_addr) == -1 && errno != ENOENT)
			goto fail;
		old = umask(0111);
		r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
		umask(old);
		if (r == -1)
			goto fail;
		ls->ls_path = strdup(cl->l_addr);
	} else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
		snprintf(port, sizeof(port), "%d", cl->l_port);
		r = getaddrinfo(
		    strcmp(cl->l_addr, "*") == 0 ? NULL : cl->l_addr, port,
		    &hints, &res);
		if (r != 0) {
			log_warnx("%s: %s", cl->l_name, gai_strerror(r));
			return -1;
		}
		fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd == -1)
			goto fail;
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ==
			-1 ||
		    bind(fd, res->ai_addr, res->ai_addrlen) == -1)
			goto fail;
		freeaddrinfo(res);
		res = NULL;
	}
	if (listen(fd, 128) == -1 || evutil_make_socket_nonblocking(fd))
		goto fail;

	ls->ls_fd = fd;
	ls->ls_index = index;
	ls->ls_unix = cl->l_kind == CONF_LISTEN_UNIX;
	ls->ls_tls = cl->l_tls;
	ls->ls_plaintext = cl->l_plaintext;
	ls->ls_name = strdup(cl->l_name);
	ls->ls_cert = cl->l_cert ? strdup(cl->l_cert) : NULL;
	ls->ls_key = cl->l_key ? strdup(cl->l_key) : NULL;
	ls->ls_ev =
	    event_new(gw->p_base, fd, EV_READ | EV_PERSIST, listen_accept, ls);
	if (ls->ls_name == NULL || ls->ls_ev == NULL ||
	    (cl->l_cert && ls->ls_cert == NULL) ||
	    (cl->l_key && ls->ls_key == NULL))
		fatalx("out of memory");
	log_info("listening on %s%s", ls->ls_name,
	    ls->ls_tls ? " with TLS" : " in plaintext");
	return 0;

fail:
	log_warn("listen on %s", cl->l_name);
	if (res != NULL)
		freeaddrinfo(res);
	if (fd != -1)
		close(fd);
	return -1;
}

static void
listener_free(struct listener *ls)
{
	if (ls->ls_ev != NULL)
		event_free(ls->ls_ev);
	close(ls->ls_fd);
	if (ls->ls_path != NULL)
		unlink(ls->ls_path);
	free(ls->ls_path);
	free(ls->ls_name);
	free(ls->ls_cert);
	free(ls->ls_key);
	free(ls);
}

/*
 * Bring the listeners in line with a configuration: keep those whose
 * address is unchanged (with their settings refreshed), open new ones,
 * close the ones that are gone.
 */
int
listeners_open(struct conf *conf)
{
	struct conf_listen *cl;
	struct listener *ls, *next;
	uint16_t index = 0;
	int bad = 0;

	TAILQ_FOREACH(ls, &gw->p_listeners, ls_entry)
		ls->ls_stale = 1;
	TAILQ_FOREACH(cl, &conf->cf_listens, l_entry) {
		TAILQ_FOREACH(ls, &gw->p_listeners, ls_entry)
			if (strcmp(ls->ls_name, cl->l_name) == 0)
				break;
		if (ls != NULL) {
			ls->ls_stale = 0;
			ls->ls_index = index++;
			ls->ls_tls = cl->l_tls;
			ls->ls_plaintext = cl->l_plaintext;
			free(ls->ls_cert);
			free(ls->ls_key);
			ls->ls_cert = cl->l_cert ? strdup(cl->l_cert) : NULL;
			ls->ls_key = cl->l_key ? strdup(cl->l_key) : NULL;
			continue;
		}
		if ((ls = calloc(1, sizeof(*ls))) == NULL)
			fatal("calloc");
		if (listener_open(cl, index++, ls) == -1) {
			free(ls);
			bad = 1;
			continue;
		}
		TAILQ_INSERT_TAIL(&gw->p_listeners, ls, ls_entry);
	}
	TAILQ_FOREACH_SAFE(ls, &gw->p_listeners, ls_entry, next) {
		if (!ls->ls_stale)
			continue;
		log_info("no longer listening on %s", ls->ls_name);
		TAILQ_REMOVE(&gw->p_listeners, ls, ls_entry);
		listener_free(ls);
	}

	gw->p_tokens = conf->cf_accept_rate;
	if (gw->p_tick == NULL) {
		struct timeval tv = {1, 0};

		gw->p_tick =
		    event_new(gw->p_base, -1, EV_PERSIST, listen_tick, NULL);
		if (gw->p_tick == NULL || event_add(gw->p_tick, &tv) == -1)
			fatalx("accept timer");
	}
	listeners_enable(1);
	return bad ? -1 : 0;
}

void
listeners_enable(int on)
{
	struct listener *ls;

	gw->p_paused = !on;
	TAILQ_FOREACH(ls, &gw->p_listeners, ls_entry) {
		if (on)
			event_add(ls->ls_ev, NULL);
		else
			event_del(ls->ls_ev);
	}
}

void
listeners_close(void)
{
	struct listener *ls;

	while ((ls = TAILQ_FIRST(&gw->p_listeners)) != NULL) {
		TAILQ_REMOVE(&gw->p_listeners, ls, ls_entry);
		listener_free(ls);
	}
	if (gw->p_tick != NULL) {
		event_free(gw->p_tick);
		gw->p_tick = NULL;
	}
}

/* Refill the accept bucket; resume listeners paused for the rate. */
static void
listen_tick(evutil_socket_t fd, short ev, void *arg)
{
	gw->p_tokens = gw->p_conf->cf_accept_rate;
	if (gw->p_paused && !gw->p_draining)
		listeners_enable(1);
}

/* A fixed error packet (sequence 0) in place of the greeting. */
static void
refuse(int fd, const char *msg)
{
	uint8_t pkt[128];
	size_t n = strlen(msg);

	if (n > sizeof(pkt) - 7)
		n = sizeof(pkt) - 7;
	pkt[0] = (uint8_t)(n + 3);
	pkt[1] = 0;
	pkt[2] = 0;
	pkt[3] = 0;
	pkt[4] = 0xff;
	pkt[5] = ER_CON_COUNT_ERROR & 0xff;
	pkt[6] = ER_CON_COUNT_ERROR >> 8;
	memcpy(pkt + 7, msg, n);
	/* Best effort: a fresh socket's buffer has room for this. */
	(void)send(fd, pkt, n + 7, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

static void
source_key(const struct sockaddr_storage *ss, uint8_t key[17])
{
	memset(key, 0, 17);
	key[0] = (uint8_t)ss->ss_family;
	if (ss->ss_family == AF_INET)
		memcpy(key + 1, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	else if (ss->ss_family == AF_INET6)
		memcpy(
		    key + 1, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	/* Every Unix socket client counts as one local source. */
}

static struct source *
source_get(const struct sockaddr_storage *ss)
{
	struct source *so;
	uint8_t key[17];

	source_key(ss, key);
	TAILQ_FOREACH(so, &gw->p_sources, so_entry)
		if (memcmp(so->so_key, key, sizeof(key)) == 0)
			return so;
	if ((so = calloc(1, sizeof(*so))) == NULL)
		return NULL;
	memcpy(so->so_key, key, sizeof(key));
	TAILQ_INSERT_TAIL(&gw->p_sources, so, so_entry);
	return so;
}

static void
source_put(struct source *so)
{
	if (--so->so_count > 0)
		return;
	TAILQ_REMOVE(&gw->p_sources, so, so_entry);
	free(so);
}

static void
peer_name(
    const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t bufsz)
{
	char host[INET6_ADDRSTRLEN], port[8];

	if (ss->ss_family == AF_UNIX) {
		strlcpy(buf, "local", bufsz);
		return;
	}
	if (getnameinfo((const struct sockaddr *)ss, len, host, sizeof(host),
		port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		strlcpy(buf, "unknown", bufsz);
		return;
	}
	if (ss->ss_family == AF_INET6)
		snprintf(buf, bufsz, "[%s]:%s", host, port);
	else
		snprintf(buf, bufsz, "%s:%s", host, port);
}

static void
listen_accept(evutil_socket_t lfd, short ev, void *arg)
{
	struct listener *ls = arg;
	struct sockaddr_storage ss;
	struct source *so;
	socklen_t len = sizeof(ss);
	char peer[IPC_PEER_MAX];
	int fd, on = 1;

	if (gw->p_tokens <= 0) {
		/* Over the rate: leave the rest in the backlog a while. */
		listeners_enable(0);
		return;
	}
	gw->p_tokens--;
	fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("accept on %s", ls->ls_name);
		if (errno == EMFILE || errno == ENFILE)
			listeners_enable(0);
		return;
	}
	peer_name(&ss, len, peer, sizeof(peer));
	if (!ls->ls_unix)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));

	if (gw->p_nsessions >= gw->p_conf->cf_max_sessions) {
		log_warnx("refused %s: %d sessions, the maximum", peer,
		    gw->p_nsessions);
		refuse(fd, "Too many connections");
		return;
	}
	if ((so = source_get(&ss)) == NULL) {
		refuse(fd, "Out of memory");
		return;
	}
	if (so->so_count >= gw->p_conf->cf_max_per_source) {
		log_warnx("refused %s: %d sessions from that source, the "
			  "maximum",
		    peer, so->so_count);
		so->so_count++;
		source_put(so);
		refuse(fd, "Too many connections from this address");
		return;
	}
	so->so_count++;
	if (session_spawn(ls, fd, so, peer) == -1) {
		source_put(so);
		refuse(fd, "Cannot start a session");
	}
}

/*
 * The session log is created here, by root, append-only; the worker gets
 * the descriptor and cannot reopen or truncate it.  Names sort by time.
 */
static int
session_log_open(uint64_t id)
{
	char name[64], stamp[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(name, sizeof(name), "%s-%016llx.jsonl", stamp,
	    (unsigned long long)id);
	return openat(gw->p_logdir, name,
	    O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
	    0640);
}

static int
session_spawn(struct listener *ls, int fd, struct source *so, const char *peer)
{
	struct session *se;
	struct ipc_setup setup;
	struct ipc_session is;
	struct ipc_chan ch;
	struct buf b;
	char path[PATH_MAX], title[PROCTITLE_PAD], *argv[2];
	uint64_t id;
	int sv[2] = {-1, -1}, logfd = -1, nullfd, r;
	pid_t pid;

	do {
		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			return -1;
	} while (id == 0);
	if ((se = calloc(1, sizeof(*se))) == NULL)
		return -1;
	buf_init(&b, IPC_MAX_PAYLOAD);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("socketpair");
		goto fail;
	}
	if ((logfd = session_log_open(id)) == -1) {
		log_warn("session log in %s", gw->p_conf->cf_log_dir);
		goto fail;
	}

	/* The worker's setup waits on its channel before it runs. */
	memset(&setup, 0, sizeof(setup));
	setup.flags = (ls->ls_tls ? IPC_SETUP_TLS : 0) |
	    (ls->ls_plaintext ? IPC_SETUP_PLAINTEXT : 0) |
	    (gw->p_foreground ? IPC_SETUP_FOREGROUND : 0);
	setup.verbosity = (uint8_t)gw->p_verbose;
	setup.handshake_timeout = (uint32_t)gw->p_conf->cf_handshake_timeout;
	setup.idle_timeout = (uint32_t)gw->p_conf->cf_idle_timeout;
	setup.max_packet = gw->p_conf->cf_max_packet;
	strlcpy(setup.user, gw->p_conf->cf_user, sizeof(setup.user));
	strlcpy(setup.chroot, gw->p_conf->cf_chroot, sizeof(setup.chroot));
	strlcpy(setup.cert, ls->ls_cert ? ls->ls_cert : "", sizeof(setup.cert));
	strlcpy(setup.key, ls->ls_key ? ls->ls_key : "", sizeof(setup.key));
	strlcpy(setup.peer, peer, sizeof(setup.peer));
	strlcpy(setup.listener, ls->ls_name, sizeof(setup.listener));
	ipc_chan_init(&ch, sv[0], id);
	if (ipc_encode_setup(&b, &setup) != GW_OK ||
	    (r = ipc_send(&ch, IPC_P2W_SETUP, &b, -1)) != GW_OK) {
		log_warnx("cannot queue the worker's setup");
		goto fail;
	}

	snprintf(path, sizeof(path), "%s/gatewayd-worker", gw->p_libexec);
	snprintf(title, sizeof(title), "gatewayd: worker %s", peer);
	if ((argv[0] = proctitle_padded(title)) == NULL)
		goto fail;
	argv[1] = NULL;

	switch (pid = fork()) {
	case -1:
		log_warn("fork");
		free(argv[0]);
		goto fail;
	case 0:
		if (dup2(fd, FD_WORKER_CLIENT) == -1 ||
		    dup2(sv[1], FD_WORKER_BROKER) == -1 ||
		    dup2(logfd, FD_WORKER_LOG) == -1)
			_exit(1);
		closefrom(FD_WORKER_LOG + 1);
		if ((nullfd = open("/dev/null", O_RDWR)) != -1) {
			dup2(nullfd, 0);
			dup2(nullfd, 1);
			if (nullfd > FD_WORKER_LOG)
				close(nullfd);
		}
		execve(path, argv, (char *[]){NULL});
		fprintf(
		    stderr, "gatewayd: exec %s: %s\n", path, strerror(errno));
		_exit(1);
	}
	free(argv[0]);
	close(sv[1]);
	close(logfd);
	close(fd);

	se->se_id = id;
	se->se_pid = pid;
	se->se_source = so;
	se->se_start = time(NULL);
	strlcpy(se->se_peer, peer, sizeof(se->se_peer));
	TAILQ_INSERT_TAIL(&gw->p_sessions, se, se_entry);
	gw->p_nsessions++;

	/* Hand the broker its end of the channel. */
	memset(&is, 0, sizeof(is));
	is.pid = (uint32_t)pid;
	is.listener = ls->ls_index;
	strlcpy(is.peer, peer, sizeof(is.peer));
	buf_reset(&b);
	if (ipc_encode_session(&b, &is) != GW_OK)
		fatalx("encode session");
	parent_broker_send(IPC_P2B_SESSION, id, &b, sv[0]);
	close(sv[0]);
	buf_free(&b);
	{
		char tag[LOG_TAG_MAX];

		log_info("%s: connection from %s on %s, worker %ld",
		    log_session_tag(tag, sizeof(tag), id), peer, ls->ls_name,
		    (long)pid);
	}
	return 0;

fail:
	if (sv[0] != -1) {
		close(sv[0]);
		close(sv[1]);
	}
	if (logfd != -1)
		close(logfd);
	buf_free(&b);
	free(se);
	return -1;
}

void
session_exited(pid_t pid, int status)
{
	struct session *se;
	struct ipc_session_end end;
	struct buf b;
	char tag[LOG_TAG_MAX];

	TAILQ_FOREACH(se, &gw->p_sessions, se_entry)
		if (se->se_pid == pid)
			break;
	if (se == NULL)
		return;
	log_session_tag(tag, sizeof(tag), se->se_id);
	if (WIFSIGNALED(status)) {
		/* SIGSYS here is the sandbox stopping a forbidden call. */
		log_warnx("%s: worker %ld killed by signal %d%s", tag,
		    (long)pid, WTERMSIG(status),
		    WTERMSIG(status) == SIGSYS ? " (sandbox violation)" : "");
	} else if (WEXITSTATUS(status) != 0)
		log_info("%s: worker %ld exited with status %d", tag, (long)pid,
		    WEXITSTATUS(status));
	else
		log_debug("%s: worker %ld exited", tag, (long)pid);

	if (gw->p_broker_pid > 0) {
		end.pid = (uint32_t)pid;
		end.status = status;
		buf_init(&b, 64);
		if (ipc_encode_session_end(&b, &end) != GW_OK)
			fatalx("encode session end");
		parent_broker_send(IPC_P2B_SESSION_END, se->se_id, &b, -1);
		buf_free(&b);
	}
	TAILQ_REMOVE(&gw->p_sessions, se, se_entry);
	source_put(se->se_source);
	free(se);
	gw->p_nsessions--;
}

void
session_kill(uint64_t id, int sig)
{
	struct session *se;
	char tag[LOG_TAG_MAX];

	TAILQ_FOREACH(se, &gw->p_sessions, se_entry)
		if (se->se_id == id) {
			log_info("%s: broker asked to end worker %ld",
			    log_session_tag(tag, sizeof(tag), id),
			    (long)se->se_pid);
			kill(se->se_pid, sig);
			return;
		}
}

void
sessions_signal(int sig)
{
	struct session *se;

	TAILQ_FOREACH(se, &gw->p_sessions, se_entry)
		kill(se->se_pid, sig);
}
