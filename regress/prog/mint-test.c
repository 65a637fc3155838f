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
 * mint-test: drives broker/mint.c and broker/ledger.c from the shell, so
 * that regress/e2e/t_mint.sh can mint users on a real server and look
 * at what happened.  It reads a gatewayd.conf for the connection (its
 * server and admin credentials file) and the grants, logs in as the
 * admin, opens the ledger in the state directory, and runs one command:
 *
 *   create GRANT SUBJECT SECONDS   "NAME PASSWORD event|noevent"
 *   drop NAME                      "dropped NAME SESSIONS USEC"
 *   sweep                          "seen N kept N dropped N gone N failed N"
 *   list                           "NAME HOST STATE CONN GRANT EXPIRY"
 *   name                           "NAME PASSWORD", fresh, nothing made
 *
 * Options: -f the configuration, -s the state directory, -c the
 * connection (the first by default), -H the host part of minted users
 * (127.0.0.1; sweep looks at every host unless -H is given).  It prints
 * the password because the test must log in with it; the daemon never
 * does.  Exit status: 0, 1 for a failed command, 2 for bad usage.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "broker/ledger.h"
#include "broker/mint.h"
#include "common/error.h"
#include "common/log.h"
#include "policy/conf.h"

#define TIMEOUT 5 /* seconds, connect and each read */

static void usage(void) __attribute__((noreturn));
static void conf_error(void *, const char *);
static MYSQL *admin_login(const struct conf_connection *);
static int cmd_create(MYSQL *, struct ledger *, const struct conf_connection *,
    const char *, int, char **);
static int cmd_drop(MYSQL *, struct ledger *, const char *, int, char **);
static int cmd_sweep(
    MYSQL *, struct ledger *, const struct conf_connection *, const char *);
static int cmd_list(struct ledger *);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: mint-test -f conf -s statedir [-c connection] [-H host]\n"
	    "           create GRANT SUBJECT SECONDS | drop NAME | sweep |\n"
	    "           list | name\n");
	exit(2);
}

static void
conf_error(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "mint-test: %s\n", msg);
}

static MYSQL *
admin_login(const struct conf_connection *cn)
{
	unsigned int timeout = TIMEOUT;
	struct conf_creds cc;
	my_bool verify = 1;
	char err[256];
	MYSQL *my;

	if (conf_creds_read(cn->cn_credentials, &cc, err, sizeof(err)) != 0) {
		fprintf(stderr, "mint-test: %s\n", err);
		return NULL;
	}
	if ((my = mysql_init(NULL)) == NULL) {
		fprintf(stderr, "mint-test: mysql_init failed\n");
		return NULL;
	}
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	if (cn->cn_tls_ca != NULL) {
		mysql_options(my, MYSQL_OPT_SSL_CA, cn->cn_tls_ca);
		mysql_options(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
	}
	if (mysql_real_connect(my, cn->cn_socket ? NULL : cn->cn_host,
		cc.cc_user, cc.cc_password, NULL,
		cn->cn_socket ? 0 : (unsigned int)cn->cn_port, cn->cn_socket,
		0) == NULL) {
		fprintf(
		    stderr, "mint-test: admin login: %s\n", mysql_error(my));
		mysql_close(my);
		my = NULL;
	}
	explicit_bzero(&cc, sizeof(cc));
	return my;
}

static int
cmd_create(MYSQL *my, struct ledger *l, const struct conf_connection *cn,
    const char *host, int argc, char **argv)
{
	const struct conf_grant *gr;
	struct mint_user mu;
	char err[512];
	long secs;
	int rv;

	if (argc != 3 || (secs = strtol(argv[2], NULL, 10)) <= 0)
		usage();
	TAILQ_FOREACH(gr, &cn->cn_grants, gr_entry)
		if (strcmp(gr->gr_name, argv[0]) == 0)
			break;
	if (gr == NULL) {
		fprintf(stderr, "mint-test: no grant %s\n", argv[0]);
		return 1;
	}
	rv = mint_create(my, l, cn, gr, host, argv[1],
	    (int64_t)time(NULL) + secs, &mu, err, sizeof(err));
	if (rv != GW_OK) {
		fprintf(stderr, "mint-test: %s (%s)\n", err, gw_strerror(rv));
		return 1;
	}
	printf("%s %s %s\n", mu.mu_name, mu.mu_password,
	    mu.mu_event ? "event" : "noevent");
	explicit_bzero(&mu, sizeof(mu));
	return 0;
}

static int
cmd_drop(MYSQL *my, struct ledger *l, const char *host, int argc, char **argv)
{
	struct mint_drop_result md;
	char err[512];
	int rv;

	if (argc != 1)
		usage();
	if ((rv = mint_drop(my, l, argv[0], host, &md, err, sizeof(err))) !=
	    GW_OK) {
		fprintf(stderr, "mint-test: %s (%s)\n", err, gw_strerror(rv));
		return 1;
	}
	printf("dropped %s %d %lld\n", argv[0], md.md_sessions,
	    (long long)md.md_usec);
	return 0;
}

static int
cmd_sweep(MYSQL *my, struct ledger *l, const struct conf_connection *cn,
    const char *host)
{
	struct mint_sweep_result ms;
	char err[512] = "";
	int rv;

	rv = mint_sweep(my, l, cn, host, NULL, NULL, &ms, err, sizeof(err));
	printf("seen %d kept %d dropped %d gone %d failed %d\n", ms.ms_seen,
	    ms.ms_kept, ms.ms_dropped, ms.ms_forgotten, ms.ms_failed);
	if (rv != GW_OK) {
		fprintf(stderr, "mint-test: %s (%s)\n", err, gw_strerror(rv));
		return 1;
	}
	return 0;
}

static int
cmd_list(struct ledger *l)
{
	const struct ledger_entry *e;

	for (e = ledger_live(l, NULL); e != NULL; e = ledger_live(l, e))
		printf("%s %s %s %s %s %lld\n", e->le_name, e->le_host,
		    ledger_state_name(e->le_state), e->le_connection,
		    e->le_grant, (long long)e->le_expiry);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *confpath = NULL, *statedir = NULL, *cname = NULL;
	const char *host = "127.0.0.1", *sweephost = NULL;
	struct conf_connection *cn;
	struct ledger *l = NULL;
	struct conf *conf;
	struct mint_user mu;
	MYSQL *my = NULL;
	char err[512];
	int ch, rv = 1;

	log_init(1, LOG_LEVEL_DEBUG, "mint-test");
	while ((ch = getopt(argc, argv, "c:f:H:s:")) != -1) {
		switch (ch) {
		case 'c':
			cname = optarg;
			break;
		case 'f':
			confpath = optarg;
			break;
		case 'H':
			host = sweephost = optarg;
			break;
		case 's':
			statedir = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();

	if (strcmp(argv[0], "name") == 0) {
		if (mint_name(mu.mu_name, sizeof(mu.mu_name)) != GW_OK ||
		    mint_password(mu.mu_password, sizeof(mu.mu_password)) !=
			GW_OK)
			return 1;
		printf("%s %s\n", mu.mu_name, mu.mu_password);
		return 0;
	}
	if (confpath == NULL || statedir == NULL)
		usage();

	if ((conf = conf_parse_file(confpath, conf_error, NULL)) == NULL)
		return 1;
	if (cname == NULL)
		cn = TAILQ_FIRST(&conf->cf_connections);
	else
		cn = conf_connection_find(conf, cname);
	if (cn == NULL) {
		fprintf(stderr, "mint-test: no such connection\n");
		goto out;
	}
	if ((rv = ledger_open(statedir, &l, err, sizeof(err))) != GW_OK) {
		fprintf(stderr, "mint-test: %s (%s)\n", err, gw_strerror(rv));
		rv = 1;
		goto out;
	}
	rv = 1;
	if (strcmp(argv[0], "list") == 0) {
		rv = cmd_list(l);
		goto out;
	}
	if ((my = admin_login(cn)) == NULL)
		goto out;
	if (strcmp(argv[0], "create") == 0)
		rv = cmd_create(my, l, cn, host, argc - 1, argv + 1);
	else if (strcmp(argv[0], "drop") == 0)
		rv = cmd_drop(my, l, host, argc - 1, argv + 1);
	else if (strcmp(argv[0], "sweep") == 0 && argc == 1)
		rv = cmd_sweep(my, l, cn, sweephost);
	else
		usage();
out:
	if (my != NULL)
		mysql_close(my);
	ledger_close(l);
	conf_free(conf);
	return rv;
}
