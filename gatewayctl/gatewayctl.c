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
 * gatewayctl: the operator's and approver's tool.  It sends one request
 * to the broker's control socket and prints the answer, aligned for
 * people or as JSON with -j.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define CTL_REPLY_MAX (4 * 1024 * 1024)

static void usage(void) __attribute__((noreturn));
static json_t *ctl_request(const char *, json_t *);
static void print_grants(json_t *);
static void print_status(json_t *);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gatewayctl [-j] [-s socket] command\n"
	    "commands:\n"
	    "  status          the broker, its connections and sessions\n"
	    "  grants          live grant windows and their sessions\n"
	    "  revoke ID       end a grant window now\n"
	    "  kill SESSION    end one session now\n"
	    "  reload          reload the configuration (root only)\n");
	exit(2);
}

static json_t *
ctl_request(const char *path, json_t *req)
{
	struct sockaddr_un sun;
	json_error_t jerr;
	json_t *reply;
	char *text, *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "gatewayctl: %s: path too long\n", path);
		exit(1);
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "gatewayctl: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (req == NULL || (text = json_dumps(req, JSON_COMPACT)) == NULL) {
		fprintf(stderr, "gatewayctl: out of memory\n");
		exit(1);
	}
	/* A refusal may arrive, and the socket close, before we write. */
	if (dprintf(fd, "%s\n", text) < 0 && errno != EPIPE &&
	    errno != ECONNRESET) {
		fprintf(stderr, "gatewayctl: send: %s\n", strerror(errno));
		exit(1);
	}
	free(text);

	if ((buf = malloc(CTL_REPLY_MAX)) == NULL) {
		fprintf(stderr, "gatewayctl: out of memory\n");
		exit(1);
	}
	while (len < CTL_REPLY_MAX &&
	    (n = read(fd, buf + len, CTL_REPLY_MAX - len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fprintf(
			    stderr, "gatewayctl: read: %s\n", strerror(errno));
			exit(1);
		}
		len += (size_t)n;
	}
	close(fd);
	reply = json_loadb(buf, len, 0, &jerr);
	free(buf);
	if (reply == NULL || !json_is_object(reply)) {
		fprintf(stderr,
		    "gatewayctl: malformed answer from the "
		    "broker\n");
		exit(1);
	}
	return reply;
}

static void
print_grants(json_t *st)
{
	json_t *o, *sess;
	size_t i, j;
	time_t now = time(NULL);

	printf("%-16s %-16s %-16s %-20s %-8s %s\n", "ID", "SUBJECT", "GRANT",
	    "USER", "LEFT", "SESSIONS");
	json_array_foreach(json_object_get(st, "grants"), i, o) {
		char grant[64];

		snprintf(grant, sizeof(grant), "%s/%s",
		    json_string_value(json_object_get(o, "connection")),
		    json_string_value(json_object_get(o, "grant")));
		printf("%-16s %-16s %-16s %-20s %-7llds ",
		    json_string_value(json_object_get(o, "id")),
		    json_string_value(json_object_get(o, "subject")), grant,
		    json_string_value(json_object_get(o, "user")),
		    (long long)(json_integer_value(
				    json_object_get(o, "expiry")) -
			now));
		sess = json_object_get(o, "sessions");
		json_array_foreach(sess, j, o)
			printf("%s%s", j ? "," : "", json_string_value(o));
		printf("%s\n", json_array_size(sess) ? "" : "-");
	}
}

static void
print_status(json_t *st)
{
	json_t *o;
	size_t i;

	printf("broker pid %lld, up %lld s, %lld session(s)\n",
	    (long long)json_integer_value(json_object_get(st, "broker_pid")),
	    (long long)json_integer_value(json_object_get(st, "uptime")),
	    (long long)json_integer_value(
		json_object_get(st, "session_count")));
	printf("\n%-16s %-7s %-20s %s\n", "CONNECTION", "USABLE", "SERVER",
	    "ERROR");
	json_array_foreach(json_object_get(st, "connections"), i, o) {
		printf("%-16s %-7s %-20s %s\n",
		    json_string_value(json_object_get(o, "name")),
		    json_is_true(json_object_get(o, "usable")) ? "yes" : "no",
		    json_string_value(json_object_get(o, "server")),
		    json_string_value(json_object_get(o, "error")));
	}
	printf("\n%-16s %-8s %-8s %-24s %s\n", "SESSION", "PID", "PHASE",
	    "PEER", "AGE");
	json_array_foreach(json_object_get(st, "sessions"), i, o) {
		printf("%-16s %-8lld %-8s %-24s %llds\n",
		    json_string_value(json_object_get(o, "id")),
		    (long long)json_integer_value(json_object_get(o, "pid")),
		    json_string_value(json_object_get(o, "phase")),
		    json_string_value(json_object_get(o, "peer")),
		    (long long)json_integer_value(json_object_get(o, "age")));
	}
}

int
main(int argc, char *argv[])
{
	const char *path = GW_CTLSOCK;
	json_t *reply, *req;
	int ch, jflag = 0, ok;

	while ((ch = getopt(argc, argv, "js:")) != -1) {
		switch (ch) {
		case 'j':
			jflag = 1;
			break;
		case 's':
			path = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 1 &&
	    (strcmp(argv[0], "status") == 0 || strcmp(argv[0], "reload") == 0 ||
		strcmp(argv[0], "grants") == 0))
		req = json_pack("{s:s}", "command", argv[0]);
	else if (argc == 2 && strcmp(argv[0], "revoke") == 0)
		req =
		    json_pack("{s:s,s:s}", "command", "revoke", "id", argv[1]);
	else if (argc == 2 && strcmp(argv[0], "kill") == 0)
		req = json_pack(
		    "{s:s,s:s}", "command", "kill", "session", argv[1]);
	else
		usage();

	signal(SIGPIPE, SIG_IGN);
	reply = ctl_request(path, req);
	json_decref(req);
	ok = json_is_true(json_object_get(reply, "ok"));
	if (jflag) {
		json_dumpf(reply, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else if (!ok)
		fprintf(stderr, "gatewayctl: %s\n",
		    json_string_value(json_object_get(reply, "error")));
	else if (strcmp(argv[0], "status") == 0)
		print_status(reply);
	else if (strcmp(argv[0], "grants") == 0)
		print_grants(reply);
	else if (strcmp(argv[0], "revoke") == 0)
		printf("revoked; the database had no thread of it left after "
		       "%lld ms\n",
		    (long long)json_integer_value(
			json_object_get(reply, "drop_ms")));
	else if (strcmp(argv[0], "kill") == 0)
		printf("session ended\n");
	else
		printf("reload requested\n");
	json_decref(reply);
	return ok ? 0 : 1;
}
