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
 * Backends: each configured connection's database, reached with the
 * admin credential the parent handed over.  At every configuration load
 * the broker logs in once to each; a connection whose admin login fails
 * is marked unusable, logged, and refused to agents until a reload.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "broker/broker.h"
#include "common/log.h"
#include "policy/conf.h"

#define BACKEND_TIMEOUT 5 /* seconds, connect and each read */

static void backend_check(struct backend *, const struct conf_connection *);

struct backend *
backend_find(struct backends *list, const char *name)
{
	struct backend *be;

	TAILQ_FOREACH(be, list, be_entry)
		if (strcmp(be->be_name, name) == 0)
			return be;
	return NULL;
}

void
backends_free(struct backends *list)
{
	struct backend *be;

	while ((be = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, be, be_entry);
		explicit_bzero(be, sizeof(*be));
		free(be);
	}
}

/*
 * XXX The checks block the broker's loop, up to BACKEND_TIMEOUT per
 * unreachable backend, at start and at each reload.
 */
static void
backend_check(struct backend *be, const struct conf_connection *cn)
{
	unsigned int timeout = BACKEND_TIMEOUT;
	my_bool verify = 1;
	MYSQL *my;
	const char *where;
	char addr[300];

	if (cn->cn_socket != NULL) {
		where = cn->cn_socket;
	} else {
		snprintf(addr, sizeof(addr), "%s:%d", cn->cn_host, cn->cn_port);
		where = addr;
	}
	if ((my = mysql_init(NULL)) == NULL) {
		strlcpy(be->be_error, "out of memory", sizeof(be->be_error));
		return;
	}
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_READ_DEFAULT_GROUP, NULL);
	if (cn->cn_tls_ca != NULL) {
		mysql_options(my, MYSQL_OPT_SSL_CA, cn->cn_tls_ca);
		mysql_options(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
	}
	if (mysql_real_connect(my, cn->cn_socket ? NULL : cn->cn_host,
		be->be_user, be->be_password, NULL,
		cn->cn_socket ? 0 : (unsigned int)cn->cn_port, cn->cn_socket,
		0) == NULL) {
		snprintf(be->be_error, sizeof(be->be_error),
		    "admin login to %.100s failed: %.120s", where,
		    mysql_error(my));
		log_warnx("connection %s: %s; refusing its sessions",
		    be->be_name, be->be_error);
		mysql_close(my);
		return;
	}
	strlcpy(
	    be->be_version, mysql_get_server_info(my), sizeof(be->be_version));
	be->be_usable = 1;
	be->be_error[0] = '\0';
	log_info("connection %s: admin login to %s works, server %s",
	    be->be_name, where, be->be_version);
	mysql_close(my);
}

/* Check every connection of conf; list holds their credentials. */
void
backend_check_all(struct backends *list, const struct conf *conf)
{
	struct conf_connection *cn;
	struct backend *be;

	TAILQ_FOREACH(cn, &conf->cf_connections, cn_entry) {
		if ((be = backend_find(list, cn->cn_name)) == NULL) {
			if ((be = calloc(1, sizeof(*be))) == NULL)
				fatal("calloc");
			strlcpy(be->be_name, cn->cn_name, sizeof(be->be_name));
			strlcpy(be->be_error, "no admin credentials",
			    sizeof(be->be_error));
			log_warnx("connection %s: no admin credentials; "
				  "refusing its sessions",
			    be->be_name);
			TAILQ_INSERT_TAIL(list, be, be_entry);
			continue;
		}
		backend_check(be, cn);
	}
}
