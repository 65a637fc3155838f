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
 * Logins and grant windows.  A worker's W2B_AUTH is decided here: the
 * user name names the connection (and perhaps the grant), the token is
 * verified against the connection's identity provider, the token's
 * groups choose the grant, and the grant's window, with its minted
 * user, is found or opened.  Every refusal gives the agent one generic
 * "Access denied" and the log the specific reason; the token itself is
 * never logged.
 *
 * A window ends at its expiry: its user is dropped, its server threads
 * killed, and its sessions closed.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <sys/random.h>

#include "broker/broker.h"
#include "broker/ledger.h"
#include "broker/mint.h"
#include "broker/token.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"
#include "policy/grant.h"

#define ER_ACCESS_DENIED 1045

static void auth_reply(struct bsession *, struct ipc_auth_result *);
static void auth_deny(struct bsession *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));
static struct window *
window_open(const struct conf_connection *, const struct conf_grant *,
    const struct token_claims *, uint32_t, char *, size_t);
static void window_expired(evutil_socket_t, short, void *);
static void keys_refresh(evutil_socket_t, short, void *);

static struct event *keys_timer;
static int window_end(struct window *, const char *, int64_t *);

/* Whether a window of this broker holds the minted user. */
static int
window_holds(const char *user, void *arg)
{
	struct window *wi;

	TAILQ_FOREACH(wi, &br->b_windows, wi_entry)
		if (strcmp(wi->wi_user, user) == 0)
			return 1;
	return 0;
}

/* Rebuild the verifiers, open the ledger and sweep, after a load. */
void
auth_conf_loaded(void)
{
	struct conf_identity *id;
	struct conf_connection *cn;
	struct verifier *ve;
	struct backend *be;
	struct mint_sweep_result sw;
	char err[256];
	MYSQL *my;

	while ((ve = TAILQ_FIRST(&br->b_verifiers)) != NULL) {
		TAILQ_REMOVE(&br->b_verifiers, ve, ve_entry);
		token_verifier_free(ve->ve_tv);
		free(ve);
	}
	TAILQ_FOREACH(id, &br->b_conf->cf_identities, id_entry) {
		if ((ve = calloc(1, sizeof(*ve))) == NULL)
			fatal("calloc");
		ve->ve_identity = id;
		if ((ve->ve_tv = token_verifier_new(id, err, sizeof(err))) ==
		    NULL)
			log_warnx("identity %s: %s; its tokens are refused",
			    id->id_name, err);
		TAILQ_INSERT_TAIL(&br->b_verifiers, ve, ve_entry);
	}
	/* Fetched key sets start empty: fetch now, then on schedule. */
	keys_refresh(-1, 0, NULL);
	if (keys_timer == NULL) {
		struct timeval tv = {TOKEN_REFRESH_MIN, 0};

		keys_timer =
		    event_new(br->b_base, -1, EV_PERSIST, keys_refresh, NULL);
		if (keys_timer == NULL || event_add(keys_timer, &tv) == -1)
			fatalx("key refresh timer");
	}

	if (br->b_ledger == NULL &&
	    ledger_open(br->b_conf->cf_state_dir, &br->b_ledger, err,
		sizeof(err)) != GW_OK)
		fatalx("ledger in %s: %s", br->b_conf->cf_state_dir, err);

	/*
	 * No minted user outlives its window: at start, after a crash,
	 * the ledger still shows the dead broker's users live, but none
	 * can be used again.
	 */
	TAILQ_FOREACH(cn, &br->b_conf->cf_connections, cn_entry) {
		if ((be = backend_find(&br->b_backends, cn->cn_name)) == NULL ||
		    !be->be_usable || (my = backend_admin(be, cn)) == NULL)
			continue;
		if (mint_sweep(my, br->b_ledger, cn, be->be_self, window_holds,
			NULL, &sw, err, sizeof(err)) != GW_OK)
			log_warnx("connection %s: sweep: %s", cn->cn_name, err);
		else if (sw.ms_dropped > 0 || sw.ms_failed > 0)
			log_info("connection %s: dropped %d minted user(s) no "
				 "longer live, %d failed",
			    cn->cn_name, sw.ms_dropped, sw.ms_failed);
	}
}

/*
 * Refresh the identities' fetched key sets.  Each verifier fetches only
 * when its own "refresh" interval has passed, and never more than once
 * a minute however often it fails.  XXX A fetch blocks the broker.
 */
static void
keys_refresh(evutil_socket_t fd, short ev, void *arg)
{
	struct verifier *ve;
	int r;

	TAILQ_FOREACH(ve, &br->b_verifiers, ve_entry) {
		if (ve->ve_tv == NULL)
			continue;
		r = token_verifier_refresh(ve->ve_tv, time(NULL));
		if (r < 0)
			log_warnx("identity %s: key set fetch failed: %s",
			    ve->ve_identity->id_name,
			    token_verifier_error(ve->ve_tv));
		else if (r > 0)
			log_info("identity %s: %d key(s) loaded",
			    ve->ve_identity->id_name,
			    token_verifier_nkeys(ve->ve_tv));
	}
}

static void
auth_reply(struct bsession *bs, struct ipc_auth_result *m)
{
	struct buf b;
	int r;

	buf_init(&b, IPC_MAX_PAYLOAD);
	r = ipc_encode_auth_result(&b, m);
	explicit_bzero(m->db_password, sizeof(m->db_password));
	if (r != GW_OK)
		fatalx("encode auth result");
	if ((r = ipc_send(&bs->bs_chan, IPC_B2W_AUTH, &b, -1)) != GW_OK)
		log_warnx("%s: cannot send the login's outcome: %s", bs->bs_tag,
		    gw_strerror(r));
	buf_free(&b);
}

static void
auth_deny(struct bsession *bs, const char *user, const char *fmt, ...)
{
	struct ipc_auth_result m;
	char why[512], esc[LOG_ESCAPE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_escape(esc, sizeof(esc), user, strlen(user));
	log_info("%s: login as \"%s\" from %s denied: %s", bs->bs_tag, esc,
	    bs->bs_peer, why);
	memset(&m, 0, sizeof(m));
	m.outcome = IPC_AUTH_DENIED;
	m.code = ER_ACCESS_DENIED;
	snprintf(
	    m.message, sizeof(m.message), "Access denied for user '%s'", user);
	auth_reply(bs, &m);
}

static struct window *
window_find(const char *subject, const char *conn, const char *grant)
{
	struct window *wi;

	TAILQ_FOREACH(wi, &br->b_windows, wi_entry)
		if (strcmp(wi->wi_subject, subject) == 0 &&
		    strcmp(wi->wi_connection, conn) == 0 &&
		    strcmp(wi->wi_grant, grant) == 0)
			return wi;
	return NULL;
}

static struct window *
window_open(const struct conf_connection *cn, const struct conf_grant *gr,
    const struct token_claims *tc, uint32_t asked, char *err, size_t errsz)
{
	struct mint_user mu;
	struct window *wi;
	struct backend *be;
	struct timeval tv;
	MYSQL *my;
	int64_t now = time(NULL), expiry;
	uint64_t rnd;

	if ((be = backend_find(&br->b_backends, cn->cn_name)) == NULL ||
	    (my = backend_admin(be, cn)) == NULL) {
		snprintf(
		    err, errsz, "connection %s is not usable", cn->cn_name);
		return NULL;
	}
	expiry = now + grant_window(gr, asked);
	/* The window cannot outlast the token that opened it. */
	if (tc->tc_exp > 0 && expiry > tc->tc_exp)
		expiry = tc->tc_exp;
	if (mint_create(my, br->b_ledger, cn, gr, be->be_self, tc->tc_subject,
		expiry, &mu, err, errsz) != GW_OK)
		return NULL;
	if ((wi = calloc(1, sizeof(*wi))) == NULL)
		fatal("calloc");
	strlcpy(wi->wi_subject, tc->tc_subject, sizeof(wi->wi_subject));
	strlcpy(wi->wi_connection, cn->cn_name, sizeof(wi->wi_connection));
	strlcpy(wi->wi_grant, gr->gr_name, sizeof(wi->wi_grant));
	strlcpy(wi->wi_user, mu.mu_name, sizeof(wi->wi_user));
	strlcpy(wi->wi_password, mu.mu_password, sizeof(wi->wi_password));
	strlcpy(wi->wi_host, be->be_self, sizeof(wi->wi_host));
	explicit_bzero(&mu, sizeof(mu));
	wi->wi_expiry = expiry;
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		fatal("getrandom");
	snprintf(wi->wi_id, sizeof(wi->wi_id), "%016" PRIx64, rnd);
	tv.tv_sec = expiry - now > 0 ? expiry - now : 0;
	tv.tv_usec = 0;
	if ((wi->wi_timer = evtimer_new(br->b_base, window_expired, wi)) ==
		NULL ||
	    evtimer_add(wi->wi_timer, &tv) == -1)
		fatalx("window timer");
	TAILQ_INSERT_TAIL(&br->b_windows, wi, wi_entry);
	log_info("window opened: %s on %s/%s as %s until %" PRId64,
	    wi->wi_subject, wi->wi_connection, wi->wi_grant, wi->wi_user,
	    wi->wi_expiry);
	return wi;
}

void
auth_login(struct bsession *bs, const struct ipc_auth *m)
{
	struct ipc_auth_result res;
	const struct conf_connection *cn;
	const struct conf_grant *gr;
	const char *groups[TOKEN_GROUPS_MAX];
	struct token_claims tc;
	struct verifier *ve;
	struct backend *be;
	struct window *wi;
	char conn[GRANT_NAME_MAX], grant[GRANT_NAME_MAX];
	char why[TOKEN_WHY_MAX], err[512];
	int i, r = GW_EINVAL;

	bs->bs_phase = BS_ENDING; /* until granted: only its goodbye */
	if (grant_user_parse(
		m->user, conn, sizeof(conn), grant, sizeof(grant)) != GW_OK) {
		auth_deny(bs, m->user, "user name names no connection");
		return;
	}
	if ((cn = conf_connection_find(br->b_conf, conn)) == NULL) {
		auth_deny(bs, m->user, "no connection %s", conn);
		return;
	}
	be = backend_find(&br->b_backends, conn);
	if (be == NULL || !be->be_usable) {
		auth_deny(bs, m->user, "connection %s is not usable: %s", conn,
		    be ? be->be_error : "no backend");
		return;
	}

	/* The connection's identity provider, or any that vouches. */
	snprintf(why, sizeof(why), "no identity provider");
	TAILQ_FOREACH(ve, &br->b_verifiers, ve_entry) {
		if (cn->cn_identity != NULL &&
		    strcmp(cn->cn_identity, ve->ve_identity->id_name) != 0)
			continue;
		if (ve->ve_tv == NULL)
			continue;
		r = token_verify(ve->ve_tv, (const char *)m->token,
		    m->token_len, time(NULL), &tc, why, sizeof(why));
		if (r == GW_OK)
			break;
	}
	if (r != GW_OK) {
		auth_deny(bs, m->user, "token refused: %s", why);
		return;
	}
	for (i = 0; i < tc.tc_ngroups; i++)
		groups[i] = tc.tc_groups[i];
	if ((gr = grant_match(
		 cn, grant, groups, tc.tc_ngroups, why, sizeof(why))) == NULL) {
		auth_deny(bs, m->user, "%s (subject %s)", why, tc.tc_subject);
		return;
	}
	if (gr->gr_approval) {
		/* XXX Access requests and approvals are not built yet. */
		auth_deny(bs, m->user,
		    "grant %s needs an approval, which this "
		    "build cannot ask for",
		    gr->gr_name);
		return;
	}
	if ((wi = window_find(tc.tc_subject, cn->cn_name, gr->gr_name)) ==
		NULL &&
	    (wi = window_open(cn, gr, &tc, m->duration, err, sizeof(err))) ==
		NULL) {
		auth_deny(bs, m->user, "cannot mint a user: %s", err);
		return;
	}

	memset(&res, 0, sizeof(res));
	res.outcome = IPC_AUTH_GRANTED;
	strlcpy(res.subject, tc.tc_subject, sizeof(res.subject));
	strlcpy(res.connection, cn->cn_name, sizeof(res.connection));
	strlcpy(res.grant, gr->gr_name, sizeof(res.grant));
	strlcpy(res.db_user, wi->wi_user, sizeof(res.db_user));
	strlcpy(res.db_password, wi->wi_password, sizeof(res.db_password));
	res.expiry = (uint64_t)wi->wi_expiry;
	strlcpy(res.server_version, be->be_version, sizeof(res.server_version));
	bs->bs_window = wi;
	wi->wi_sessions++;
	bs->bs_phase = BS_GRANTED;
	log_info("%s: %s from %s granted %s/%s as %s", bs->bs_tag,
	    tc.tc_subject, bs->bs_peer, cn->cn_name, gr->gr_name, wi->wi_user);
	auth_reply(bs, &res);
}

/* "address:port" of a socket's own end, as the server lists it. */
static void
sock_name(int fd, char *dst, size_t dstsz)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN], port[8];

	dst[0] = '\0';
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port,
		sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return;
	snprintf(dst, dstsz, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
	    host, port);
}

/*
 * Kill the server thread of one session, found by the address of our
 * end of its socket.  The worker's close ends the session at the
 * gateway; this ends whatever it left running in the database.
 */
static void
session_kill_thread(struct bsession *bs)
{
	const struct conf_connection *cn;
	struct backend *be;
	MYSQL_RES *res;
	MYSQL_ROW row;
	MYSQL *my;
	char q[512], esc[2 * IPC_PEER_MAX + 1];

	if (bs->bs_window == NULL || bs->bs_dialed[0] == '\0' ||
	    (cn = conf_connection_find(
		 br->b_conf, bs->bs_window->wi_connection)) == NULL ||
	    (be = backend_find(&br->b_backends, cn->cn_name)) == NULL ||
	    (my = backend_admin(be, cn)) == NULL)
		return;
	mysql_real_escape_string(my, esc, bs->bs_dialed, strlen(bs->bs_dialed));
	snprintf(q, sizeof(q),
	    "SELECT ID FROM information_schema.PROCESSLIST WHERE HOST = '%s'",
	    esc);
	if (mysql_query(my, q) != 0 || (res = mysql_store_result(my)) == NULL)
		return;
	while ((row = mysql_fetch_row(res)) != NULL)
		if (row[0] != NULL &&
		    strspn(row[0], "0123456789") == strlen(row[0])) {
			snprintf(q, sizeof(q), "KILL CONNECTION %s", row[0]);
			if (mysql_query(my, q) != 0)
				log_debug("%s: %s", q, mysql_error(my));
		}
	mysql_free_result(res);
}

/* Tell the worker the database cannot be had, and end the session. */
static void
auth_dial_fail(struct bsession *bs, const char *why)
{
	struct ipc_bye m;
	struct buf b;

	log_warnx("%s: cannot reach the database: %s", bs->bs_tag, why);
	memset(&m, 0, sizeof(m));
	m.reason = IPC_REASON_INTERNAL;
	strlcpy(m.text, "gatewayd: cannot reach the database", sizeof(m.text));
	buf_init(&b, 2048);
	if (ipc_encode_bye(&b, &m) == GW_OK &&
	    ipc_send(&bs->bs_chan, IPC_B2W_CLOSE, &b, -1) != GW_OK)
		log_debug("%s: worker did not take the close", bs->bs_tag);
	buf_free(&b);
	bs->bs_phase = BS_ENDING;
}

/*
 * The worker asks for its database socket, once.  With "tls ca" the
 * socket comes with the CA's text and the name to check the database's
 * certificate against: the worker makes the TLS connection itself.
 */
void
auth_dial(struct bsession *bs)
{
	static uint8_t pem[IPC_CA_MAX];
	const struct conf_connection *cn;
	struct ipc_backend m;
	struct buf b;
	char err[256];
	int fd, r;

	cn = conf_connection_find(br->b_conf, bs->bs_window->wi_connection);
	if (cn == NULL) {
		auth_dial_fail(bs, "connection removed");
		return;
	}
	memset(&m, 0, sizeof(m));
	if (cn->cn_tls_ca != NULL) {
		if (backend_ca(cn, pem, sizeof(pem), &m.ca_len, err,
			sizeof(err)) == -1) {
			auth_dial_fail(bs, err);
			return;
		}
		m.flags |= IPC_BACKEND_TLS;
		m.ca = pem;
		/* XXX Over a Unix socket there is no name to check. */
		if (cn->cn_host != NULL &&
		    strlcpy(m.host, cn->cn_host, sizeof(m.host)) >=
			sizeof(m.host)) {
			auth_dial_fail(bs, "host name too long");
			return;
		}
	}
	if ((fd = backend_dial(cn, err, sizeof(err))) == -1) {
		auth_dial_fail(bs, err);
		return;
	}
	/* The server shows this session's thread by our end's address. */
	sock_name(fd, bs->bs_dialed, sizeof(bs->bs_dialed));
	buf_init(&b, IPC_MAX_PAYLOAD);
	if ((r = ipc_encode_backend(&b, &m)) == GW_OK)
		r = ipc_send(&bs->bs_chan, IPC_B2W_BACKEND, &b, fd);
	buf_free(&b);
	close(fd);
	if (r != GW_OK)
		log_warnx("%s: cannot pass the database socket: %s", bs->bs_tag,
		    gw_strerror(r));
	bs->bs_phase = BS_RELAY;
}

void
auth_session_gone(struct bsession *bs)
{
	if (bs->bs_window != NULL)
		bs->bs_window->wi_sessions--;
	bs->bs_window = NULL;
}

/*
 * End a window: close its sessions, drop its user and kill its server
 * threads.  *msp, if given, gets the milliseconds from the drop to the
 * last thread gone; -1 when the database could not be reached.
 */
static int
window_end(struct window *wi, const char *why, int64_t *msp)
{
	int rv = -1;
	struct mint_drop_result dr;
	struct conf_connection *cn;
	struct bsession *bs;
	struct backend *be;
	struct ipc_bye m;
	struct buf b;
	char err[256];
	MYSQL *my;

	/* Tell the workers first, then make sure the database agrees. */
	memset(&m, 0, sizeof(m));
	m.reason = IPC_REASON_REVOKED;
	snprintf(m.text, sizeof(m.text), "gatewayd: %s", why);
	buf_init(&b, 2048);
	if (ipc_encode_bye(&b, &m) != GW_OK)
		fatalx("encode close");
	TAILQ_FOREACH(bs, &br->b_sessions, bs_entry) {
		if (bs->bs_window != wi)
			continue;
		if (ipc_send(&bs->bs_chan, IPC_B2W_CLOSE, &b, -1) != GW_OK)
			broker_parent_send(
			    IPC_B2P_SESSION_KILL, bs->bs_id, NULL);
		bs->bs_window = NULL;
	}
	buf_free(&b);

	cn = conf_connection_find(br->b_conf, wi->wi_connection);
	be = backend_find(&br->b_backends, wi->wi_connection);
	if (cn == NULL || be == NULL || (my = backend_admin(be, cn)) == NULL)
		log_warnx("window of %s on %s: cannot reach the database to "
			  "drop %s; the next sweep will",
		    wi->wi_subject, wi->wi_connection, wi->wi_user);
	else if (mint_drop(my, br->b_ledger, wi->wi_user, wi->wi_host, &dr, err,
		     sizeof(err)) != GW_OK)
		log_warnx("window of %s on %s: drop %s: %s", wi->wi_subject,
		    wi->wi_connection, wi->wi_user, err);
	else {
		log_info("window of %s on %s/%s ended (%s): %s dropped, %d "
			 "server thread(s) gone in %" PRId64 " ms",
		    wi->wi_subject, wi->wi_connection, wi->wi_grant, why,
		    wi->wi_user, dr.md_sessions, dr.md_usec / 1000);
		if (msp != NULL)
			*msp = dr.md_usec / 1000;
		rv = 0;
	}

	TAILQ_REMOVE(&br->b_windows, wi, wi_entry);
	event_free(wi->wi_timer);
	explicit_bzero(wi, sizeof(*wi));
	free(wi);
	return rv;
}

static void
window_expired(evutil_socket_t fd, short ev, void *arg)
{
	(void)window_end(arg, "the grant's window has ended", NULL);
}

void
windows_end_all(void)
{
	struct window *wi;

	while ((wi = TAILQ_FIRST(&br->b_windows)) != NULL)
		(void)window_end(wi, "gatewayd is shutting down", NULL);
}

struct window *
window_by_id(const char *id)
{
	struct window *wi;

	TAILQ_FOREACH(wi, &br->b_windows, wi_entry)
		if (strcmp(wi->wi_id, id) == 0)
			return wi;
	return NULL;
}

/* An operator or approver ends a window before its time. */
int
window_revoke(struct window *wi, const char *by, int64_t *msp)
{
	char why[128];

	snprintf(why, sizeof(why), "revoked by %s", by);
	*msp = -1;
	return window_end(wi, why, msp);
}

/* End one session: tell its worker, or have the parent kill it. */
int
session_kill(uint64_t id, const char *by)
{
	struct bsession *bs;
	struct ipc_bye m;
	struct buf b;

	TAILQ_FOREACH(bs, &br->b_sessions, bs_entry)
		if (bs->bs_id == id)
			break;
	if (bs == NULL || bs->bs_phase == BS_CLOSED)
		return -1;
	log_info("%s: ended by %s", bs->bs_tag, by);
	memset(&m, 0, sizeof(m));
	m.reason = IPC_REASON_REVOKED;
	snprintf(m.text, sizeof(m.text), "gatewayd: session ended by %s", by);
	buf_init(&b, 2048);
	if (ipc_encode_bye(&b, &m) != GW_OK ||
	    ipc_send(&bs->bs_chan, IPC_B2W_CLOSE, &b, -1) != GW_OK)
		broker_parent_send(IPC_B2P_SESSION_KILL, bs->bs_id, NULL);
	buf_free(&b);
	session_kill_thread(bs);
	bs->bs_phase = BS_ENDING;
	return 0;
}
