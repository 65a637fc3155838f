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
 * gatewayd, the parent process.  It reads and checks the configuration,
 * hands the broker the configuration text and the admin credentials
 * (wiping its own copies), opens the listeners, and then only accepts,
 * counts, forks, execs and reaps.  SIGHUP reloads, SIGTERM drains.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/sha.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/file.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/proctitle.h"
#include "gatewayd/parent.h"
#include "policy/conf.h"

struct parent *gw;

/* How long workers get to notice their broker is gone. */
#define BROKER_LOSS_GRACE_US 200000

static void usage(void) __attribute__((noreturn));
static void conf_error(void *, const char *);
static struct conf *conf_load(const char *, char **, size_t *);
static void conf_restart_only(struct conf *, struct conf *);
static int conf_check_creds(const struct conf *);
static int dirs_prepare(const struct conf *);
static void broker_start(void);
static void broker_send_conf(const struct conf *, const char *, size_t);
static void broker_dispatch(evutil_socket_t, short, void *);
static void ctl_open(const struct conf *);
static void sig_hup(evutil_socket_t, short, void *);
static void sig_term(evutil_socket_t, short, void *);
static void sig_chld(evutil_socket_t, short, void *);
static void drain_done(evutil_socket_t, short, void *);
static void parent_exit(int) __attribute__((noreturn));

static void
usage(void)
{
	fprintf(stderr, "usage: gatewayd [-dnTv] [-f file] [-x libexecdir]\n");
	exit(2);
}

static void
conf_error(void *arg, const char *msg)
{
	log_warnx("%s", msg);
}

/*
 * Read the configuration file and parse its text.  The same bytes go to
 * the broker, so both processes see one configuration.
 */
static struct conf *
conf_load(const char *path, char **textp, size_t *lenp)
{
	struct conf *conf;
	char err[1024], *text;
	size_t len;

	if (file_read(path, CONF_FILE_MAX, FILE_NOWRITE | FILE_NOFOLLOW, &text,
		&len, err, sizeof(err)) != GW_OK) {
		log_warnx("%s", err);
		return NULL;
	}
	conf = conf_parse_buffer(path, text, len, conf_error, NULL);
	if (conf == NULL || textp == NULL)
		free(text);
	else {
		*textp = text;
		*lenp = len;
	}
	return conf;
}

/* Every admin credential file must be private and well formed. */
static int
conf_check_creds(const struct conf *conf)
{
	struct conf_connection *cn;
	struct conf_creds cc;
	char err[256];
	int bad = 0;

	TAILQ_FOREACH(cn, &conf->cf_connections, cn_entry) {
		if (conf_creds_read(
			cn->cn_credentials, &cc, err, sizeof(err)) != GW_OK) {
			log_warnx("connection %s: %s", cn->cn_name, err);
			bad = 1;
		}
		explicit_bzero(&cc, sizeof(cc));
	}
	return bad ? -1 : 0;
}

/*
 * The log directory belongs to root; the state directory to the broker's
 * user.  Both are created if missing and must not be open to others.
 */
static int
dirs_prepare(const struct conf *conf)
{
	struct passwd *pw;
	struct stat st;
	uid_t uid;
	gid_t gid;

	if ((pw = getpwnam(conf->cf_broker_user)) == NULL) {
		log_warnx(
		    "broker user %s does not exist", conf->cf_broker_user);
		return -1;
	}
	/* getpwnam's result does not survive the next call. */
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (getpwnam(conf->cf_user) == NULL) {
		log_warnx("worker user %s does not exist", conf->cf_user);
		return -1;
	}
	/* The workers' root: empty, root's, checked again by each worker. */
	if (mkdir(conf->cf_chroot, 0755) == -1 && errno != EEXIST) {
		log_warn("%s", conf->cf_chroot);
		return -1;
	}
	if (mkdir(conf->cf_log_dir, 0700) == -1 && errno != EEXIST) {
		log_warn("%s", conf->cf_log_dir);
		return -1;
	}
	if (lstat(conf->cf_log_dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		log_warnx("%s: must be a directory owned by root and not "
			  "writable by others",
		    conf->cf_log_dir);
		return -1;
	}
	if (mkdir(conf->cf_state_dir, 0700) == -1) {
		if (errno != EEXIST) {
			log_warn("%s", conf->cf_state_dir);
			return -1;
		}
	} else if (chown(conf->cf_state_dir, uid, gid) == -1) {
		log_warn("%s", conf->cf_state_dir);
		return -1;
	}
	if (lstat(conf->cf_state_dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != uid || (st.st_mode & 077)) {
		log_warnx("%s: must be a directory owned by %s, mode 0700",
		    conf->cf_state_dir, conf->cf_broker_user);
		return -1;
	}
	return 0;
}

/* The control socket is made here, as root, and served by the broker. */
static void
ctl_open(const struct conf *conf)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, conf->cf_control_socket,
		sizeof(sun.sun_path)) >= sizeof(sun.sun_path))
		fatalx("control socket path too long");
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("control socket");
	if (unlink(conf->cf_control_socket) == -1 && errno != ENOENT)
		fatal("unlink %s", conf->cf_control_socket);
	/* Anyone may connect; the broker decides by the peer's uid. */
	old = umask(0111);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("bind %s", conf->cf_control_socket);
	umask(old);
	if (listen(fd, 16) == -1)
		fatal("listen %s", conf->cf_control_socket);
	gw->p_ctlfd = fd;
}

void
parent_broker_send(uint16_t type, uint64_t session, const struct buf *b, int fd)
{
	int r;

	if (gw->p_broker_pid <= 0)
		return;
	gw->p_broker.ic_session = session;
	r = ipc_send(&gw->p_broker, type, b, fd);
	gw->p_broker.ic_session = 0;
	/* A broker that has just died is SIGCHLD's to report. */
	if (r == GW_ECLOSED) {
		log_debug("broker gone; %s not sent", ipc_type_name(type));
		return;
	}
	if (r != GW_OK)
		fatalx("send %s to broker: %s", ipc_type_name(type),
		    gw_strerror(r));
	log_trace("ipc: sent %s to broker", ipc_type_name(type));
}

static void
broker_start(void)
{
	char *argv[8], vflag[8];
	int sv[2], argc = 0, i;
	pid_t pid;
	char path[PATH_MAX];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair");
	snprintf(path, sizeof(path), "%s/gatewayd-broker", gw->p_libexec);
	argv[argc++] = proctitle_padded("gatewayd: broker");
	argv[argc++] = "-u";
	argv[argc++] = gw->p_conf->cf_broker_user;
	if (gw->p_foreground)
		argv[argc++] = "-d";
	if (gw->p_verbose > 0) {
		vflag[0] = '-';
		for (i = 0; i < gw->p_verbose && i < 5; i++)
			vflag[i + 1] = 'v';
		vflag[i + 1] = '\0';
		argv[argc++] = vflag;
	}
	argv[argc] = NULL;
	if (argv[0] == NULL)
		fatal("proctitle");

	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		if (dup2(sv[1], FD_BROKER_PARENT) == -1)
			_exit(1);
		closefrom(FD_BROKER_PARENT + 1);
		if ((i = open("/dev/null", O_RDWR)) != -1) {
			dup2(i, 0);
			dup2(i, 1);
		}
		execve(path, argv, (char *[]){NULL});
		fprintf(
		    stderr, "gatewayd: exec %s: %s\n", path, strerror(errno));
		_exit(1);
	}
	free(argv[0]);
	close(sv[1]);
	gw->p_broker_pid = pid;
	ipc_chan_init(&gw->p_broker, sv[0], 0);
	gw->p_broker_ev = event_new(
	    gw->p_base, sv[0], EV_READ | EV_PERSIST, broker_dispatch, NULL);
	if (gw->p_broker_ev == NULL || event_add(gw->p_broker_ev, NULL))
		fatalx("broker event");
	log_debug("broker started, pid %ld", (long)pid);

	/* The control socket goes first; the broker keeps it for life. */
	parent_broker_send(IPC_P2B_CONTROL, 0, NULL, gw->p_ctlfd);
}

/*
 * Send a configuration: its text in chunks, each connection's admin
 * credential, and an end marker with the text's digest.  The credentials
 * are read here and wiped as soon as they are sent.
 */
static void
broker_send_conf(const struct conf *conf, const char *text, size_t len)
{
	struct conf_connection *cn;
	struct ipc_config cfg;
	struct ipc_config_end end;
	struct ipc_creds ic;
	struct conf_creds cc;
	struct buf b;
	char err[256];
	size_t off;

	gw->p_generation++;
	buf_init(&b, IPC_MAX_PAYLOAD);
	for (off = 0; off < len || off == 0; off += cfg.len) {
		cfg.generation = gw->p_generation;
		cfg.total = (uint32_t)len;
		cfg.offset = (uint32_t)off;
		cfg.data = (const uint8_t *)text + off;
		cfg.len = len - off > IPC_CHUNK ? IPC_CHUNK : len - off;
		buf_reset(&b);
		if (ipc_encode_config(&b, &cfg) != GW_OK)
			fatalx("encode config");
		parent_broker_send(IPC_P2B_CONFIG, 0, &b, -1);
		if (len == 0)
			break;
	}

	TAILQ_FOREACH(cn, &conf->cf_connections, cn_entry) {
		memset(&ic, 0, sizeof(ic));
		ic.generation = gw->p_generation;
		if (conf_creds_read(
			cn->cn_credentials, &cc, err, sizeof(err)) != GW_OK) {
			/* Checked at load; it changed since.  Send none. */
			log_warnx("connection %s: %s", cn->cn_name, err);
			continue;
		}
		strlcpy(ic.connection, cn->cn_name, sizeof(ic.connection));
		strlcpy(ic.user, cc.cc_user, sizeof(ic.user));
		strlcpy(ic.password, cc.cc_password, sizeof(ic.password));
		explicit_bzero(&cc, sizeof(cc));
		buf_reset(&b);
		if (ipc_encode_creds(&b, &ic) != GW_OK)
			fatalx("encode credentials");
		explicit_bzero(&ic, sizeof(ic));
		parent_broker_send(IPC_P2B_CREDS, 0, &b, -1);
		/* buf_reset keeps the bytes; wipe them now. */
		explicit_bzero(b.b_data, b.b_size);
	}

	end.generation = gw->p_generation;
	SHA256((const unsigned char *)text, len, end.digest);
	buf_reset(&b);
	if (ipc_encode_config_end(&b, &end) != GW_OK)
		fatalx("encode config end");
	parent_broker_send(IPC_P2B_CONFIG_END, 0, &b, -1);
	buf_free(&b);
}

static const struct ipc_rule parent_rules[] = {
    {IPC_B2P_READY, 8, 8, 0, 1},
    {IPC_B2P_CONFIG_FAIL, 6, 6 + IPC_TEXT_MAX, 0, 1},
    {IPC_B2P_RELOAD, 0, 0, 0, 1},
    {IPC_B2P_SESSION_KILL, 0, 0, 0, 1},
};

/* A reload or the first configuration has been applied by the broker. */
static void
conf_applied(const struct ipc_ready *m)
{
	struct listener *ls;
	int n = 0;

	if (m->generation != gw->p_generation || gw->p_pending == NULL)
		fatalx("broker confirmed configuration %u, expected %u",
		    m->generation, gw->p_generation);
	if (gw->p_conf != gw->p_pending)
		conf_free(gw->p_conf);
	gw->p_conf = gw->p_pending;
	gw->p_pending = NULL;
	free(gw->p_text);
	gw->p_text = NULL;

	if (listeners_open(gw->p_conf) == -1) {
		if (!gw->p_ready)
			fatalx("cannot open the listeners");
		log_warnx("reload: some listeners failed to open");
	}
	TAILQ_FOREACH(ls, &gw->p_listeners, ls_entry)
		n++;
	log_info("%s: %d listener(s), %u connection(s) usable, %u failed",
	    gw->p_ready ? "reloaded" : "ready", n, m->usable, m->failed);
	gw->p_ready = 1;
}

static void
broker_dispatch(evutil_socket_t fd, short ev, void *arg)
{
	static uint8_t payload[IPC_MAX_PAYLOAD];
	struct ipc_hdr h;
	union ipc_msg m;
	int n, rfd;

	for (;;) {
		n = ipc_read(&gw->p_broker, parent_rules,
		    sizeof(parent_rules) / sizeof(parent_rules[0]), 1, &h,
		    payload, sizeof(payload), &m, &rfd);
		if (n == GW_EAGAIN)
			return;
		if (n == GW_ECLOSED) {
			/* SIGCHLD says why; stop listening to the corpse. */
			event_del(gw->p_broker_ev);
			return;
		}
		/* The broker is trusted: a broken message is the end. */
		if (n < 0)
			fatalx("broker channel: %s: %s",
			    ipc_type_name(h.ih_type), gw_strerror(n));
		log_trace("ipc: %s from broker", ipc_type_name(h.ih_type));

		switch (h.ih_type) {
		case IPC_B2P_READY:
			conf_applied(&m.ready);
			break;
		case IPC_B2P_CONFIG_FAIL:
			if (!gw->p_ready)
				fatalx("broker refused the configuration: %s",
				    m.config_fail.reason);
			log_warnx("reload refused by the broker, keeping the "
				  "old configuration: %s",
			    m.config_fail.reason);
			if (gw->p_pending != gw->p_conf)
				conf_free(gw->p_pending);
			gw->p_pending = NULL;
			break;
		case IPC_B2P_RELOAD:
			log_info("reload requested on the control socket");
			sig_hup(-1, 0, NULL);
			break;
		case IPC_B2P_SESSION_KILL:
			session_kill(h.ih_session, SIGKILL);
			break;
		}
	}
}

/*
 * What the parent opened once, as root, stays as it was: say so when a
 * reload asks for something else, and keep using the old setting.
 */
static void
conf_restart_only(struct conf *old, struct conf *new)
{
	struct {
		const char *name;
		char **o, **n;
	} keep[] = {
	    {"log directory", &old->cf_log_dir, &new->cf_log_dir},
	    {"state directory", &old->cf_state_dir, &new->cf_state_dir},
	    {"control socket", &old->cf_control_socket,
		&new->cf_control_socket},
	    {"broker user", &old->cf_broker_user, &new->cf_broker_user},
	};
	size_t i;
	char *tmp;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (strcmp(*keep[i].o, *keep[i].n) == 0)
			continue;
		log_warnx("reload: %s changes only at restart; still %s",
		    keep[i].name, *keep[i].o);
		tmp = *keep[i].n;
		if ((*keep[i].n = strdup(*keep[i].o)) == NULL)
			fatal("strdup");
		free(tmp);
	}
}

static void
sig_hup(evutil_socket_t sig, short ev, void *arg)
{
	struct conf *conf;
	char *text;
	size_t len;

	if (gw->p_draining)
		return;
	if (gw->p_pending != NULL) {
		log_warnx("reload: the previous one is still being applied");
		return;
	}
	log_info("reloading %s", gw->p_conffile);
	if ((conf = conf_load(gw->p_conffile, &text, &len)) == NULL ||
	    conf_check_creds(conf) == -1 || dirs_prepare(conf) == -1) {
		log_warnx("reload failed, keeping the old configuration");
		if (conf != NULL) {
			conf_free(conf);
			free(text);
		}
		return;
	}
	conf_restart_only(gw->p_conf, conf);
	gw->p_pending = conf;
	gw->p_text = text;
	broker_send_conf(conf, text, len);
}

static void
sig_term(evutil_socket_t sig, short ev, void *arg)
{
	struct timeval tv;

	if (gw->p_draining) {
		log_info("second signal, ending every session now");
		sessions_signal(SIGKILL);
		parent_exit(0);
	}
	gw->p_draining = 1;
	listeners_close();
	if (gw->p_nsessions == 0)
		parent_exit(0);
	log_info("draining %d session(s), at most %d seconds", gw->p_nsessions,
	    gw->p_conf->cf_drain_timeout);
	tv.tv_sec = gw->p_conf->cf_drain_timeout;
	tv.tv_usec = 0;
	gw->p_drain = evtimer_new(gw->p_base, drain_done, NULL);
	if (gw->p_drain == NULL || evtimer_add(gw->p_drain, &tv) == -1)
		parent_exit(1);
}

static void
drain_done(evutil_socket_t fd, short ev, void *arg)
{
	log_info("drain timeout, ending %d session(s)", gw->p_nsessions);
	sessions_signal(SIGTERM);
	sleep(1);
	sessions_signal(SIGKILL);
	parent_exit(0);
}

static void
sig_chld(evutil_socket_t sig, short ev, void *arg)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != gw->p_broker_pid) {
			session_exited(pid, status);
			if (gw->p_draining && gw->p_nsessions == 0)
				parent_exit(0);
			continue;
		}
		if (WIFSIGNALED(status))
			log_warnx(
			    "broker killed by signal %d", WTERMSIG(status));
		else
			log_warnx("broker exited with status %d",
			    WEXITSTATUS(status));
		gw->p_broker_pid = -1;
		event_free(gw->p_broker_ev);
		close(gw->p_broker.ic_fd);
		if (gw->p_draining)
			parent_exit(0);
		/*
		 * Sessions cannot outlive their broker.  Each worker sees its
		 * channel close and ends saying so; give them a moment to,
		 * then end any that did not.
		 */
		usleep(BROKER_LOSS_GRACE_US);
		sessions_signal(SIGTERM);
		if (!gw->p_conf->cf_broker_restart)
			fatalx("no broker, exiting (see \"broker restart\")");
		log_warnx("restarting the broker; its sessions ended");
		broker_start();
		conf_free(gw->p_pending);
		gw->p_pending = NULL;
		sig_hup(-1, 0, NULL);
	}
}

static void
parent_exit(int status)
{
	listeners_close();
	if (gw->p_broker_pid > 0) {
		kill(gw->p_broker_pid, SIGTERM);
		waitpid(gw->p_broker_pid, NULL, 0);
	}
	if (gw->p_conf != NULL)
		unlink(gw->p_conf->cf_control_socket);
	log_info("exiting");
	exit(status);
}

int
main(int argc, char *argv[])
{
	struct event *ev;
	const char *conffile = GW_CONFFILE, *libexec = GW_LIBEXECDIR;
	int ch, debug = 0, noaction = 0, print = 0, verbose = 0;
	int sigs[] = {SIGHUP, SIGTERM, SIGINT, SIGCHLD};
	event_callback_fn fns[] = {sig_hup, sig_term, sig_term, sig_chld};
	char *text;
	size_t len, i;

	proctitle_init(argc, argv);
	while ((ch = getopt(argc, argv, "df:nTvx:")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'T':
			print = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'x':
			libexec = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	log_init(1, verbose, "gatewayd");
	if ((gw = calloc(1, sizeof(*gw))) == NULL)
		fatal("calloc");
	/*
	 * Absolute copies: the process title overwrites argv, and daemon()
	 * changes to the root directory.
	 */
	if ((gw->p_conffile = realpath(conffile, NULL)) == NULL)
		fatal("%s", conffile);

	gw->p_foreground = debug;
	gw->p_verbose = verbose;
	gw->p_broker_pid = -1;
	gw->p_ctlfd = -1;
	TAILQ_INIT(&gw->p_listeners);
	TAILQ_INIT(&gw->p_sessions);
	TAILQ_INIT(&gw->p_sources);

	if ((gw->p_conf = conf_load(gw->p_conffile, &text, &len)) == NULL)
		exit(1);
	if (print) {
		conf_print(stdout, gw->p_conf);
		exit(0);
	}
	if (conf_check_creds(gw->p_conf) == -1)
		exit(1);
	if (noaction) {
		fprintf(stderr, "configuration OK\n");
		exit(0);
	}
	if (geteuid() != 0)
		fatalx("need root privileges");
	if ((gw->p_libexec = realpath(libexec, NULL)) == NULL)
		fatal("%s", libexec);
	if (dirs_prepare(gw->p_conf) == -1)
		exit(1);
	gw->p_logdir =
	    open(gw->p_conf->cf_log_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (gw->p_logdir == -1)
		fatal("%s", gw->p_conf->cf_log_dir);

	if (!debug) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, verbose, "gatewayd");
	}
	proctitle_set("gatewayd: parent");
	signal(SIGPIPE, SIG_IGN);
	if ((gw->p_base = event_base_new()) == NULL)
		fatalx("event_base_new");
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		ev = evsignal_new(gw->p_base, sigs[i], fns[i], NULL);
		if (ev == NULL || evsignal_add(ev, NULL) == -1)
			fatalx("signal events");
	}

	ctl_open(gw->p_conf);
	broker_start();
	gw->p_pending = gw->p_conf;
	gw->p_text = text;
	broker_send_conf(gw->p_conf, text, len);

	event_base_dispatch(gw->p_base);
	parent_exit(0);
}
