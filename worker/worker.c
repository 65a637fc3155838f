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
 * gatewayd-worker.  Exec'd by the parent for one client connection, with
 * the descriptor layout in worker.h.  Before it reads a byte from the
 * network it reads its setup from the broker channel, chroots into an
 * empty directory, drops to the worker user and installs its seccomp
 * filter.  From then on it can only use the descriptors it was given.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>
#include <openssl/ssl.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/proctitle.h"
#include "worker/sandbox.h"
#include "worker/worker.h"

#define SETUP_TIMEOUT 5000 /* ms to wait for the parent's setup */

_Static_assert(FD_LOG == SANDBOX_LOG_FD, "one session log descriptor");

struct worker *wk;

static const char *const ws_names[] = {
    "setup",
    "greeting",
    "tls",
    "login",
    "switch",
    "auth",
    "backend",
    "relay",
    "closing",
};

static void fds_check(void);
static void setup_read(void);
static void log_to_broker(int, const char *);
static void broker_send(uint16_t, const struct buf *);
static void broker_dispatch(evutil_socket_t, short, void *);
static void sig_term(evutil_socket_t, short, void *);

/* All states but the last: a close may come at any time. */
#define WS_ANY                                                                 \
	(1 << WS_SETUP | 1 << WS_GREETING | 1 << WS_TLS | 1 << WS_LOGIN |      \
	    1 << WS_SWITCH | 1 << WS_AUTH | 1 << WS_BACKEND | 1 << WS_RELAY |  \
	    1 << WS_CLOSING)

static const struct ipc_rule broker_rules[] = {
    {IPC_B2W_HELLO, 10, 10 + 64, 0, 1 << WS_SETUP},
    {IPC_B2W_CLOSE, 4, 4 + IPC_TEXT_MAX, 0, WS_ANY},
    {IPC_B2W_AUTH, 33, IPC_MAX_PAYLOAD, 0, 1 << WS_AUTH},
    {IPC_B2W_BACKEND, 7, 7 + IPC_HOST_MAX - 1 + IPC_CA_MAX, 1, 1 << WS_BACKEND},
};

void
worker_state(enum ws_state state)
{
	log_debug("state %s -> %s", ws_names[wk->w_state], ws_names[state]);
	wk->w_state = state;
}

/* Each descriptor of the layout must be what the parent promised. */
static void
fds_check(void)
{
	static const struct {
		int fd;
		mode_t type;
	} want[] = {
	    {FD_CLIENT, S_IFSOCK},
	    {FD_BROKER, S_IFSOCK},
	    {FD_LOG, S_IFREG},
	};
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (fstat(want[i].fd, &st) == -1 ||
		    (st.st_mode & S_IFMT) != want[i].type)
			fatalx("descriptor %d is not as the layout says",
			    want[i].fd);
}

/* The setup is the first message on the channel, queued before exec. */
static void
setup_read(void)
{
	static uint8_t payload[IPC_MAX_PAYLOAD];
	struct pollfd pfd = {FD_BROKER, POLLIN, 0};
	struct ipc_hdr h;
	union ipc_msg m;
	int n, fd, r;

	if (poll(&pfd, 1, SETUP_TIMEOUT) != 1)
		fatalx("no setup from the parent");
	ipc_chan_init(&wk->w_broker, FD_BROKER, 0);
	n = ipc_recv(&wk->w_broker, &h, payload, sizeof(payload), &fd);
	if (n < 0)
		fatalx("setup: %s", gw_strerror(n));
	if (fd != -1 || h.ih_type != IPC_P2W_SETUP || h.ih_session == 0)
		fatalx("setup: unexpected %s", ipc_type_name(h.ih_type));
	if ((r = ipc_decode(h.ih_type, payload, (size_t)n, &m)) != GW_OK)
		fatalx("setup: %s", gw_strerror(r));
	wk->w_setup = m.setup;
	wk->w_id = h.ih_session;
	wk->w_broker.ic_session = h.ih_session;
	log_session_tag(wk->w_tag, sizeof(wk->w_tag), wk->w_id);
}

/*
 * The log sink once sandboxed: lines go to the broker, which tags them.
 * Bytes outside printable ASCII are replaced, so a line is never refused.
 */
static void
log_to_broker(int pri, const char *line)
{
	struct ipc_log m;
	struct buf b;
	size_t i;

	memset(&m, 0, sizeof(m));
	m.level = (uint8_t)(pri & 7);
	strlcpy(m.text, line, sizeof(m.text));
	for (i = 0; m.text[i] != '\0'; i++)
		if ((unsigned char)m.text[i] < 0x20 ||
		    (unsigned char)m.text[i] > 0x7e)
			m.text[i] = '?';
	buf_init(&b, IPC_MAX_PAYLOAD);
	if (ipc_encode_log(&b, &m) == GW_OK &&
	    ipc_send(&wk->w_broker, IPC_W2B_LOG, &b, -1) != GW_OK) {
		/* Nowhere left to say it; the session cannot go on. */
		buf_free(&b);
		_exit(1);
	}
	buf_free(&b);
}

static void
broker_send(uint16_t type, const struct buf *b)
{
	int r;

	if ((r = ipc_send(&wk->w_broker, type, b, -1)) != GW_OK) {
		log_setsink(NULL);
		fatalx("%s: send %s to broker: %s", wk->w_tag,
		    ipc_type_name(type), gw_strerror(r));
	}
}

/*
 * Append one record to the session log.  A record that cannot be written
 * whole means the session cannot be recorded, and so cannot go on.
 */
int
worker_record(const char *type, json_t *rec)
{
	struct timespec ts;
	char stamp[40], id[24];
	struct tm tm;
	char *line;
	size_t len;
	ssize_t n;

	if (rec == NULL)
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + strlen(stamp), sizeof(stamp) - strlen(stamp),
	    ".%06ldZ", ts.tv_nsec / 1000);
	snprintf(id, sizeof(id), "%016llx", (unsigned long long)wk->w_id);
	json_object_set_new(rec, "type", json_string(type));
	json_object_set_new(rec, "time", json_string(stamp));
	json_object_set_new(rec, "session", json_string(id));
	line = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(rec);
	if (line == NULL)
		return -1;
	len = strlen(line);
	line[len++] = '\n'; /* json_dumps left room for its NUL */
	n = write(FD_LOG, line, len);
	free(line);
	if (n != (ssize_t)len) {
		log_warnx("session log write failed");
		return -1;
	}
	return 0;
}

/*
 * End the session: tell the broker why, record it, and exit.  Called once
 * the client has been told whatever it is going to be told.
 */
void
worker_finish(uint16_t reason, const char *fmt, ...)
{
	struct ipc_bye m;
	struct buf b;
	va_list ap;

	memset(&m, 0, sizeof(m));
	m.reason = reason;
	va_start(ap, fmt);
	vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	backend_quit();
	(void)worker_record("disconnect",
	    json_pack("{s:s,s:s}", "reason", ipc_reason_name(reason), "detail",
		m.text));
	buf_init(&b, IPC_MAX_PAYLOAD);
	if (ipc_encode_bye(&b, &m) == GW_OK)
		(void)!ipc_send(&wk->w_broker, IPC_W2B_BYE, &b, -1);
	buf_free(&b);
	exit(reason == IPC_REASON_INTERNAL ? 1 : 0);
}

static void
broker_hello(void)
{
	proctitle_set("gatewayd: worker %s", wk->w_setup.peer);
	client_start();
}

/*
 * Messages from the broker.  The broker is more trusted than the worker,
 * but a message that fails its checks still ends the session.
 */
static void
broker_dispatch(evutil_socket_t fd, short ev, void *arg)
{
	static uint8_t payload[IPC_MAX_PAYLOAD];
	struct ipc_hdr h;
	union ipc_msg m;
	int n, rfd;

	for (;;) {
		n = ipc_read(&wk->w_broker, broker_rules,
		    sizeof(broker_rules) / sizeof(broker_rules[0]),
		    1u << wk->w_state, &h, payload, sizeof(payload), &m, &rfd);
		if (n == GW_EAGAIN)
			return;
		/*
		 * A broker that stops sends B2W_CLOSE first: one that
		 * just goes away has died, whatever signal comes next.
		 */
		if (n == GW_ECLOSED) {
			log_setsink(NULL);
			client_close(IPC_REASON_INTERNAL, ER_SERVER_SHUTDOWN,
			    "08S01", "gatewayd lost its broker");
			return;
		}
		if (n < 0) {
			log_warnx("broker sent %s: %s",
			    ipc_type_name(h.ih_type), gw_strerror(n));
			client_close(IPC_REASON_PROTOCOL, ER_UNKNOWN_ERROR,
			    "08S01", "gatewayd internal error");
			return;
		}
		switch (h.ih_type) {
		case IPC_B2W_HELLO:
			if (m.hello.version != IPC_VERSION)
				fatalx("broker speaks version %u",
				    m.hello.version);
			strlcpy(wk->w_server_version, m.hello.server_version,
			    sizeof(wk->w_server_version));
			broker_hello();
			break;
		case IPC_B2W_AUTH:
			login_result(&m.auth_result);
			explicit_bzero(&m, sizeof(m));
			explicit_bzero(payload, (size_t)n);
			break;
		case IPC_B2W_BACKEND:
			backend_start(rfd, &m.backend);
			explicit_bzero(payload, (size_t)n);
			break;
		case IPC_B2W_CLOSE:
			client_close(m.bye.reason, ER_SERVER_SHUTDOWN, "08S01",
			    m.bye.text);
			return;
		}
	}
}

static void
sig_term(evutil_socket_t sig, short ev, void *arg)
{
	client_close(IPC_REASON_SHUTDOWN, ER_SERVER_SHUTDOWN, "08S01",
	    "gatewayd is shutting down");
}

int
main(int argc, char *argv[])
{
	struct sandbox_ids ids;
	struct ipc_hello hello;
	struct event *ev;
	struct buf b;

	proctitle_init(argc, argv);
	log_init(1, 0, "gatewayd-worker");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	if ((wk = calloc(1, sizeof(*wk))) == NULL)
		fatal("calloc");
	fds_check();
	setup_read();
	/* Detached, the parent's stderr is /dev/null: use syslog. */
	log_init(wk->w_setup.flags & IPC_SETUP_FOREGROUND,
	    wk->w_setup.verbosity, "gatewayd-worker");

	/* Everything that needs a file or a library's setup, first. */
	if (sandbox_lookup(wk->w_setup.user, &ids) == -1 ||
	    sandbox_check_root(wk->w_setup.chroot) == -1)
		fatalx("%s: cannot build the sandbox", wk->w_tag);
	/* OpenSSL reads its configuration once, here, for both sides. */
	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS |
		    OPENSSL_INIT_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_LOAD_CONFIG,
		NULL) != 1)
		fatalx("%s: cannot initialise OpenSSL", wk->w_tag);
	if ((wk->w_setup.flags & IPC_SETUP_TLS) &&
	    (wk->w_tls = tls_server_init(wk->w_setup.cert, wk->w_setup.key)) ==
		NULL)
		fatalx("%s: cannot load the listener's certificate", wk->w_tag);
	if ((wk->w_base = event_base_new()) == NULL)
		fatalx("event_base_new");
	/* jansson seeds its hashes from /dev/urandom, closed to us later. */
	json_object_seed(0);
	ev = evsignal_new(wk->w_base, SIGTERM, sig_term, NULL);
	if (ev == NULL || evsignal_add(ev, NULL) == -1)
		fatalx("signal event");
	if (evutil_make_socket_nonblocking(FD_CLIENT) == -1 ||
	    evutil_make_socket_nonblocking(FD_BROKER) == -1)
		fatal("nonblocking");
	wk->w_broker_ev = event_new(
	    wk->w_base, FD_BROKER, EV_READ | EV_PERSIST, broker_dispatch, NULL);
	if (wk->w_broker_ev == NULL || event_add(wk->w_broker_ev, NULL))
		fatalx("broker event");

	/* Once sandboxed, every line goes through the broker. */
	closelog();
	sandbox_demote(&ids, wk->w_setup.chroot);
	sandbox_filter();

	/* From here on, log lines travel to the broker. */
	log_setsink(log_to_broker);
	if (worker_record("connect",
		json_pack("{s:s,s:s,s:s}", "peer", wk->w_setup.peer, "listener",
		    wk->w_setup.listener, "sandbox", sandbox_name())) == -1)
		worker_finish(IPC_REASON_INTERNAL, "session log unwritable");

	memset(&hello, 0, sizeof(hello));
	hello.version = IPC_VERSION;
	hello.pid = (uint32_t)getpid();
	buf_init(&b, 64);
	if (ipc_encode_hello(&b, &hello) != GW_OK)
		fatalx("encode hello");
	broker_send(IPC_W2B_HELLO, &b);
	buf_free(&b);

	event_base_dispatch(wk->w_base);
	worker_finish(IPC_REASON_INTERNAL, "event loop ended");
}
