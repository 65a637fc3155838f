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
 * gatewayd-broker.  Exec'd by the parent as root, it drops to its own
 * user before it reads a message, then receives the configuration text
 * and the admin credentials, checks each backend's admin login, and
 * serves the workers' channels and the control socket.
 */

#include <sys/types.h>
#include <sys/prctl.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "broker/broker.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/proctitle.h"
#include "policy/conf.h"

struct broker *br;

static void drop_privileges(const char *);
static void parent_dispatch(evutil_socket_t, short, void *);
static void conf_chunk(const struct ipc_config *);
static void conf_creds(const struct ipc_creds *);
static void conf_end(const struct ipc_config_end *);
static void conf_fail(const char *, ...) __attribute__((format(printf, 1, 2)));
static void conf_error(void *, const char *);
static void sig_term(evutil_socket_t, short, void *);

/* Phases of the parent channel. */
#define PP_CONTROL 0x01 /* awaiting the control socket */
#define PP_RUNNING 0x02

static uint32_t parent_phase = PP_CONTROL;

static const struct ipc_rule parent_rules[] = {
    {IPC_P2B_CONTROL, 0, 0, 1, PP_CONTROL},
    {IPC_P2B_CONFIG, 16, 16 + IPC_CHUNK, 0, PP_RUNNING},
    {IPC_P2B_CREDS, 10, 10 + 2 * IPC_NAME_MAX + IPC_SECRET_MAX, 0, PP_RUNNING},
    {IPC_P2B_CONFIG_END, 36, 36, 0, PP_RUNNING},
    {IPC_P2B_SESSION, 8, 8 + IPC_PEER_MAX, 1, PP_RUNNING},
    {IPC_P2B_SESSION_END, 8, 8, 0, PP_RUNNING},
};

static void
drop_privileges(const char *user)
{
	struct passwd *pw;

	if ((pw = getpwnam(user)) == NULL)
		fatalx("broker user %s does not exist", user);
	if (pw->pw_uid == 0)
		fatalx("broker user %s is root", user);
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		fatal("cannot drop privileges to %s", user);
	if (setuid(0) != -1)
		fatalx("privileges could be regained");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("no_new_privs");
	if (chdir("/") == -1)
		fatal("chdir");
}

void
broker_parent_send(uint16_t type, uint64_t session, const struct buf *b)
{
	int r;

	br->b_parent.ic_session = session;
	r = ipc_send(&br->b_parent, type, b, -1);
	br->b_parent.ic_session = 0;
	if (r != GW_OK)
		fatalx("send %s to parent: %s", ipc_type_name(type),
		    gw_strerror(r));
}

static void
conf_error(void *arg, const char *msg)
{
	char *first = arg;

	log_warnx("%s", msg);
	if (first[0] == '\0')
		strlcpy(first, msg, IPC_TEXT_MAX);
}

static void
conf_fail(const char *fmt, ...)
{
	struct ipc_config_fail m;
	struct buf b;
	va_list ap;

	memset(&m, 0, sizeof(m));
	m.generation = br->b_generation;
	va_start(ap, fmt);
	vsnprintf(m.reason, sizeof(m.reason), fmt, ap);
	va_end(ap);
	log_warnx("configuration %u refused: %s", m.generation, m.reason);
	buf_init(&b, IPC_MAX_PAYLOAD);
	if (ipc_encode_config_fail(&b, &m) != GW_OK)
		fatalx("encode config fail");
	broker_parent_send(IPC_B2P_CONFIG_FAIL, 0, &b);
	buf_free(&b);
	buf_reset(&br->b_text);
	backends_free(&br->b_incoming);
	br->b_generation = 0;
}

/* Chunks arrive in order; a new generation starts a new text. */
static void
conf_chunk(const struct ipc_config *m)
{
	if (m->offset == 0) {
		buf_reset(&br->b_text);
		backends_free(&br->b_incoming);
		br->b_generation = m->generation;
	}
	if (m->generation != br->b_generation || m->offset != br->b_text.b_len)
		fatalx("configuration chunk out of order");
	if (buf_put(&br->b_text, m->data, m->len) != GW_OK)
		fatalx("configuration too large");
}

static void
conf_creds(const struct ipc_creds *m)
{
	struct backend *be;

	if (m->generation != br->b_generation)
		fatalx("credentials for another configuration");
	if (backend_find(&br->b_incoming, m->connection) != NULL)
		fatalx("credentials for %s sent twice", m->connection);
	if ((be = calloc(1, sizeof(*be))) == NULL)
		fatal("calloc");
	strlcpy(be->be_name, m->connection, sizeof(be->be_name));
	strlcpy(be->be_user, m->user, sizeof(be->be_user));
	strlcpy(be->be_password, m->password, sizeof(be->be_password));
	be->be_have_creds = 1;
	TAILQ_INSERT_TAIL(&br->b_incoming, be, be_entry);
}

static void
conf_end(const struct ipc_config_end *m)
{
	struct ipc_ready ready;
	struct conf *conf;
	struct backend *be;
	struct buf b;
	uint8_t digest[SHA256_DIGEST_LENGTH];
	char first[IPC_TEXT_MAX] = "";

	if (m->generation != br->b_generation)
		fatalx("configuration end for generation %u, expected %u",
		    m->generation, br->b_generation);
	SHA256(br->b_text.b_data, br->b_text.b_len, digest);
	if (CRYPTO_memcmp(digest, m->digest, sizeof(digest)) != 0)
		fatalx("configuration text does not match its digest");

	conf =
	    conf_parse_buffer("configuration", (const char *)br->b_text.b_data,
		br->b_text.b_len, conf_error, first);
	if (conf == NULL) {
		conf_fail("%s", first[0] ? first : "parse error");
		return;
	}
	backend_check_all(&br->b_incoming, conf);

	/* Swap in the new configuration and backends. */
	conf_free(br->b_conf);
	br->b_conf = conf;
	backends_free(&br->b_backends);
	memset(&ready, 0, sizeof(ready));
	while ((be = TAILQ_FIRST(&br->b_incoming)) != NULL) {
		TAILQ_REMOVE(&br->b_incoming, be, be_entry);
		TAILQ_INSERT_TAIL(&br->b_backends, be, be_entry);
		if (be->be_usable)
			ready.usable++;
		else
			ready.failed++;
	}
	buf_reset(&br->b_text);
	auth_conf_loaded();
	ready.generation = br->b_generation;
	log_info("configuration %u applied: %u connection(s) usable, %u "
		 "failed",
	    ready.generation, ready.usable, ready.failed);

	buf_init(&b, 64);
	if (ipc_encode_ready(&b, &ready) != GW_OK)
		fatalx("encode ready");
	broker_parent_send(IPC_B2P_READY, 0, &b);
	buf_free(&b);
}

/*
 * The parent is trusted but checked all the same: any malformed message
 * means something is badly wrong, and the broker exits.
 */
static void
parent_dispatch(evutil_socket_t fd, short ev, void *arg)
{
	static uint8_t payload[IPC_MAX_PAYLOAD];
	struct ipc_hdr h;
	union ipc_msg m;
	int n, rfd;

	for (;;) {
		n = ipc_read(&br->b_parent, parent_rules,
		    sizeof(parent_rules) / sizeof(parent_rules[0]),
		    parent_phase, &h, payload, sizeof(payload), &m, &rfd);
		if (n == GW_EAGAIN)
			return;
		if (n == GW_ECLOSED) {
			log_info("parent has gone, exiting");
			bsession_close_all(
			    IPC_REASON_SHUTDOWN, "gatewayd is shutting down");
			windows_end_all();
			exit(0);
		}
		if (n < 0)
			fatalx("parent channel: %s: %s",
			    ipc_type_name(h.ih_type), gw_strerror(n));
		log_trace("ipc: %s from parent", ipc_type_name(h.ih_type));

		switch (h.ih_type) {
		case IPC_P2B_CONTROL:
			control_init(rfd);
			parent_phase = PP_RUNNING;
			break;
		case IPC_P2B_CONFIG:
			conf_chunk(&m.config);
			break;
		case IPC_P2B_CREDS:
			conf_creds(&m.creds);
			explicit_bzero(&m.creds, sizeof(m.creds));
			break;
		case IPC_P2B_CONFIG_END:
			conf_end(&m.config_end);
			break;
		case IPC_P2B_SESSION:
			bsession_new(h.ih_session, rfd, &m.session);
			break;
		case IPC_P2B_SESSION_END:
			bsession_ended(h.ih_session, &m.session_end);
			break;
		}
		/* Credentials passed through here; leave no copy. */
		explicit_bzero(payload, (size_t)n);
	}
}

static void
sig_term(evutil_socket_t sig, short ev, void *arg)
{
	log_info("stopping");
	bsession_close_all(IPC_REASON_SHUTDOWN, "gatewayd is shutting down");
	windows_end_all();
	exit(0);
}

int
main(int argc, char *argv[])
{
	struct event *ev;
	const char *user = NULL;
	int ch, debug = 0, verbose = 0;

	proctitle_init(argc, argv);
	while ((ch = getopt(argc, argv, "du:v")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'u':
			/* A copy: the process title overwrites argv. */
			if ((user = strdup(optarg)) == NULL)
				fatal("strdup");
			break;
		case 'v':
			verbose++;
			break;
		default:
			fatalx("usage: gatewayd-broker [-dv] -u user");
		}
	}
	log_init(debug, verbose, "gatewayd-broker");
	if (user == NULL)
		fatalx("usage: gatewayd-broker [-dv] -u user");
	proctitle_set("gatewayd: broker");
	/* liboauth2 loads its libraries now, while files are in reach. */
	if (token_init() != 0)
		fatalx("cannot initialise token verification");
	drop_privileges(user);

	if ((br = calloc(1, sizeof(*br))) == NULL)
		fatal("calloc");
	TAILQ_INIT(&br->b_backends);
	TAILQ_INIT(&br->b_incoming);
	TAILQ_INIT(&br->b_sessions);
	TAILQ_INIT(&br->b_verifiers);
	TAILQ_INIT(&br->b_windows);
	buf_init(&br->b_text, IPC_CONFIG_MAX);
	br->b_start = time(NULL);

	signal(SIGPIPE, SIG_IGN);
	if ((br->b_base = event_base_new()) == NULL)
		fatalx("event_base_new");
	ev = evsignal_new(br->b_base, SIGTERM, sig_term, NULL);
	if (ev == NULL || evsignal_add(ev, NULL) == -1)
		fatalx("signal event");
	/* ^C in the foreground reaches the parent, which ends us. */
	signal(SIGINT, SIG_IGN);

	ipc_chan_init(&br->b_parent, FD_BROKER_PARENT, 0);
	if (evutil_make_socket_nonblocking(FD_BROKER_PARENT) == -1)
		fatal("parent channel");
	br->b_parent_ev = event_new(br->b_base, FD_BROKER_PARENT,
	    EV_READ | EV_PERSIST, parent_dispatch, NULL);
	if (br->b_parent_ev == NULL || event_add(br->b_parent_ev, NULL))
		fatalx("parent event");

	log_info("started as %s", user);
	event_base_dispatch(br->b_base);
	return 0;
}
