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
 * The control socket, served for gatewayctl.  The parent made and bound
 * it; the broker accepts.  Who may do what is decided by the peer's uid
 * (SO_PEERCRED): root is an operator, a configured approver may read, and
 * anyone else is refused.  A request is one JSON object on one line; the
 * answer is one JSON object on one line, then the broker closes.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>

#include "broker/broker.h"
#include "common/log.h"

#define CTL_LINE_MAX	4096
#define CTL_TIMEOUT	10 /* seconds to send a request */
#define CTL_CLIENTS_MAX 32

enum ctl_role {
	CTL_NOBODY,
	CTL_APPROVER,
	CTL_OPERATOR,
};

struct ctl_client {
	struct bufferevent *cc_bev;
	uid_t cc_uid;
	enum ctl_role cc_role;
	const char *cc_name;
};

static int ctl_clients;

static void ctl_accept(evutil_socket_t, short, void *);
static void ctl_read(struct bufferevent *, void *);
static void ctl_event(struct bufferevent *, short, void *);
static void ctl_written(struct bufferevent *, void *);
static void ctl_reply(struct ctl_client *, json_t *);
static void ctl_free(struct ctl_client *);
static json_t *ctl_status(void);

void
control_init(int fd)
{
	struct event *ev;

	if (evutil_make_socket_nonblocking(fd) == -1)
		fatal("control socket");
	ev = event_new(br->b_base, fd, EV_READ | EV_PERSIST, ctl_accept, NULL);
	if (ev == NULL || event_add(ev, NULL) == -1)
		fatalx("control socket event");
}

static enum ctl_role
ctl_role(uid_t uid, const char **namep)
{
	struct conf_approver *ap;

	*namep = NULL;
	if (uid == 0) {
		*namep = "root";
		return CTL_OPERATOR;
	}
	if (br->b_conf == NULL)
		return CTL_NOBODY;
	TAILQ_FOREACH(ap, &br->b_conf->cf_approvers, ap_entry)
		if (ap->ap_uid == uid) {
			*namep = ap->ap_name;
			return CTL_APPROVER;
		}
	return CTL_NOBODY;
}

static void
ctl_accept(evutil_socket_t lfd, short ev, void *arg)
{
	struct ctl_client *cc;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct timeval tv = {CTL_TIMEOUT, 0};
	int fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) == -1)
		return;
	if (ctl_clients >= CTL_CLIENTS_MAX ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    (cc = calloc(1, sizeof(*cc))) == NULL) {
		close(fd);
		return;
	}
	cc->cc_uid = cred.uid;
	cc->cc_role = ctl_role(cred.uid, &cc->cc_name);
	cc->cc_bev =
	    bufferevent_socket_new(br->b_base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (cc->cc_bev == NULL) {
		close(fd);
		free(cc);
		return;
	}
	ctl_clients++;
	bufferevent_setcb(cc->cc_bev, ctl_read, NULL, ctl_event, cc);
	bufferevent_setwatermark(cc->cc_bev, EV_READ, 0, CTL_LINE_MAX + 1);
	bufferevent_set_timeouts(cc->cc_bev, &tv, &tv);
	bufferevent_enable(cc->cc_bev, EV_READ);
}

static void
ctl_free(struct ctl_client *cc)
{
	bufferevent_free(cc->cc_bev);
	free(cc);
	ctl_clients--;
}

static void
ctl_event(struct bufferevent *bev, short what, void *arg)
{
	ctl_free(arg);
}

static void
ctl_written(struct bufferevent *bev, void *arg)
{
	struct ctl_client *cc = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		ctl_free(cc);
}

/* Send one answer and close once it is written. */
static void
ctl_reply(struct ctl_client *cc, json_t *reply)
{
	char *text;

	bufferevent_disable(cc->cc_bev, EV_READ);
	bufferevent_setcb(cc->cc_bev, NULL, ctl_written, ctl_event, cc);
	if (reply == NULL || (text = json_dumps(reply, JSON_COMPACT)) == NULL) {
		json_decref(reply);
		ctl_free(cc);
		return;
	}
	json_decref(reply);
	bufferevent_write(cc->cc_bev, text, strlen(text));
	bufferevent_write(cc->cc_bev, "\n", 1);
	free(text);
}

static json_t *
ctl_status(void)
{
	json_t *sessions, *conns, *o;
	struct bsession *bs;
	struct backend *be;
	time_t now = time(NULL);
	char id[24];

	sessions = json_array();
	TAILQ_FOREACH(bs, &br->b_sessions, bs_entry) {
		snprintf(
		    id, sizeof(id), "%016llx", (unsigned long long)bs->bs_id);
		o = json_pack("{s:s,s:i,s:s,s:s,s:I}", "id", id, "pid",
		    (int)bs->bs_pid, "peer", bs->bs_peer, "phase",
		    bs_phase_name(bs->bs_phase), "age",
		    (json_int_t)(now - bs->bs_start));
		json_array_append_new(sessions, o);
	}
	conns = json_array();
	TAILQ_FOREACH(be, &br->b_backends, be_entry) {
		o = json_pack("{s:s,s:b,s:s,s:s}", "name", be->be_name,
		    "usable", be->be_usable, "server", be->be_version, "error",
		    be->be_error);
		json_array_append_new(conns, o);
	}
	return json_pack("{s:b,s:i,s:I,s:i,s:o,s:o}", "ok", 1, "broker_pid",
	    (int)getpid(), "uptime", (json_int_t)(now - br->b_start),
	    "session_count", br->b_nsessions, "sessions", sessions,
	    "connections", conns);
}

static json_t *
ctl_error(const char *msg)
{
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

static json_t *
ctl_cmd_status(struct ctl_client *cc, json_t *req)
{
	return ctl_status();
}

static json_t *
ctl_cmd_reload(struct ctl_client *cc, json_t *req)
{
	broker_parent_send(IPC_B2P_RELOAD, 0, NULL);
	return json_pack("{s:b}", "ok", 1);
}

/* Live grant windows, each with its sessions. */
static json_t *
ctl_cmd_grants(struct ctl_client *cc, json_t *req)
{
	json_t *list, *sessions, *o;
	struct window *wi;
	struct bsession *bs;
	char id[24];

	list = json_array();
	TAILQ_FOREACH(wi, &br->b_windows, wi_entry) {
		sessions = json_array();
		TAILQ_FOREACH(bs, &br->b_sessions, bs_entry) {
			if (bs->bs_window != wi)
				continue;
			snprintf(id, sizeof(id), "%016llx",
			    (unsigned long long)bs->bs_id);
			json_array_append_new(sessions, json_string(id));
		}
		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:o}", "id", wi->wi_id,
		    "subject", wi->wi_subject, "connection", wi->wi_connection,
		    "grant", wi->wi_grant, "user", wi->wi_user, "expiry",
		    (json_int_t)wi->wi_expiry, "sessions", sessions);
		json_array_append_new(list, o);
	}
	return json_pack("{s:b,s:o}", "ok", 1, "grants", list);
}

static json_t *
ctl_cmd_revoke(struct ctl_client *cc, json_t *req)
{
	struct window *wi;
	const char *id;
	int64_t ms;

	if (json_unpack(req, "{s:s}", "id", &id) != 0)
		return ctl_error("revoke: which grant window?");
	if ((wi = window_by_id(id)) == NULL)
		return ctl_error("no such grant window");
	if (window_revoke(wi, cc->cc_name, &ms) == -1)
		return json_pack("{s:b,s:s}", "ok", 0, "error",
		    "sessions closed, but the database could not be reached "
		    "to drop the user; the next sweep will");
	return json_pack("{s:b,s:I}", "ok", 1, "drop_ms", (json_int_t)ms);
}

static json_t *
ctl_cmd_kill(struct ctl_client *cc, json_t *req)
{
	unsigned long long id;
	const char *hex;
	char *end;

	if (json_unpack(req, "{s:s}", "session", &hex) != 0)
		return ctl_error("kill: which session?");
	id = strtoull(hex, &end, 16);
	if (*hex == '\0' || *end != '\0' || session_kill(id, cc->cc_name) == -1)
		return ctl_error("no such session");
	return json_pack("{s:b}", "ok", 1);
}

/* Each command, and the least role that may ask for it. */
static const struct ctl_command {
	const char *cm_name;
	enum ctl_role cm_role;
	json_t *(*cm_fn)(struct ctl_client *, json_t *);
} ctl_commands[] = {
    {"grants", CTL_APPROVER, ctl_cmd_grants},
    {"kill", CTL_APPROVER, ctl_cmd_kill},
    {"reload", CTL_OPERATOR, ctl_cmd_reload},
    {"revoke", CTL_APPROVER, ctl_cmd_revoke},
    {"status", CTL_APPROVER, ctl_cmd_status},
    {NULL, CTL_NOBODY, NULL},
};

static void
ctl_read(struct bufferevent *bev, void *arg)
{
	struct ctl_client *cc = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	json_error_t jerr;
	json_t *req;
	const struct ctl_command *cmdp;
	const char *cmd = NULL;
	char *line;
	size_t len;

	line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
	if (line == NULL) {
		if (evbuffer_get_length(in) > CTL_LINE_MAX) {
			log_warnx("control: request over %d bytes from uid "
				  "%lu",
			    CTL_LINE_MAX, (unsigned long)cc->cc_uid);
			ctl_free(cc);
		}
		return;
	}
	/* Refused only now, so the client is not cut off mid-write. */
	if (cc->cc_role == CTL_NOBODY) {
		free(line);
		log_warnx("control: refused uid %lu: not root and not a "
			  "configured approver",
		    (unsigned long)cc->cc_uid);
		ctl_reply(cc,
		    json_pack("{s:b,s:s}", "ok", 0, "error",
			"permission denied: this uid is not an approver"));
		return;
	}
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	free(line);
	if (req == NULL || json_unpack(req, "{s:s}", "command", &cmd) != 0) {
		json_decref(req);
		ctl_reply(cc,
		    json_pack(
			"{s:b,s:s}", "ok", 0, "error", "malformed request"));
		return;
	}

	for (cmdp = ctl_commands; cmdp->cm_name != NULL; cmdp++)
		if (strcmp(cmdp->cm_name, cmd) == 0)
			break;
	if (cmdp->cm_name == NULL) {
		ctl_reply(cc, ctl_error("unknown command"));
		json_decref(req);
		return;
	}
	log_verbose("control: %s (uid %lu) asks %s", cc->cc_name,
	    (unsigned long)cc->cc_uid, cmdp->cm_name);
	if (cmdp->cm_role > cc->cc_role)
		ctl_reply(cc, ctl_error("permission denied: that is for root"));
	else
		ctl_reply(cc, cmdp->cm_fn(cc, req));
	json_decref(req);
}
