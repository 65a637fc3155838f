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

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

#include "broker/broker.h"
#include "common/log.h"
#include "policy/conf.h"

#define BACKEND_TIMEOUT 5 /* seconds, connect and each read */

static void backend_check(struct backend *, const struct conf_connection *);
static int backend_self(MYSQL *, char *, size_t);

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
		if (be->be_admin != NULL)
			mysql_close(be->be_admin);
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
	if (backend_self(my, be->be_self, sizeof(be->be_self)) == -1) {
		snprintf(be->be_error, sizeof(be->be_error),
		    "cannot learn our own address as %.100s sees it", where);
		log_warnx("connection %s: %s", be->be_name, be->be_error);
		mysql_close(my);
		return;
	}
	be->be_usable = 1;
	be->be_error[0] = '\0';
	be->be_admin = my;
	log_info("connection %s: admin login to %s works, server %s, we "
		 "are %s",
	    be->be_name, where, be->be_version, be->be_self);
}

/*
 * The host part minted users get: the address the server sees us
 * connect from, which is also where the workers' sessions come from,
 * since the broker dials them.
 */
static int
backend_self(MYSQL *my, char *dst, size_t dstsz)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	char *colon;
	int r = -1;

	if (mysql_query(my,
		"SELECT HOST FROM information_schema.PROCESSLIST"
		" WHERE ID = CONNECTION_ID()") != 0 ||
	    (res = mysql_store_result(my)) == NULL)
		return -1;
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL) {
		strlcpy(dst, row[0], dstsz);
		/* "127.0.0.1:41234" or "[::1]:41234"; a socket: "localhost". */
		if (dst[0] == '[' && (colon = strstr(dst, "]:")) != NULL) {
			*colon = '\0';
			memmove(dst, dst + 1, strlen(dst));
		} else if ((colon = strrchr(dst, ':')) != NULL)
			*colon = '\0';
		r = dst[0] != '\0' ? 0 : -1;
	}
	mysql_free_result(res);
	return r;
}

/* The admin handle, logged in again if the server dropped it. */
MYSQL *
backend_admin(struct backend *be, const struct conf_connection *cn)
{
	if (be->be_admin != NULL && mysql_ping(be->be_admin) == 0)
		return be->be_admin;
	if (be->be_admin != NULL) {
		mysql_close(be->be_admin);
		be->be_admin = NULL;
	}
	be->be_usable = 0;
	backend_check(be, cn);
	return be->be_admin;
}

/*
 * Connect to the database for a worker.  XXX The connect blocks the
 * broker's loop, for at most BACKEND_TIMEOUT.
 */
int
backend_dial(const struct conf_connection *cn, char *err, size_t errsz)
{
	struct addrinfo hints, *res, *ai;
	struct sockaddr_un sun;
	struct pollfd pfd;
	char port[16];
	socklen_t len;
	int fd = -1, r, soerr;

	if (cn->cn_socket != NULL) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlcpy(sun.sun_path, cn->cn_socket,
			sizeof(sun.sun_path)) >= sizeof(sun.sun_path)) {
			snprintf(err, errsz, "socket path too long");
			return -1;
		}
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
			-1 ||
		    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
			snprintf(err, errsz, "%s: %s", cn->cn_socket,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		return fd;
	}

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", cn->cn_port);
	if ((r = getaddrinfo(cn->cn_host, port, &hints, &res)) != 0) {
		snprintf(err, errsz, "%s: %s", cn->cn_host, gai_strerror(r));
		return -1;
	}
	snprintf(err, errsz, "%s:%d: no address", cn->cn_host, cn->cn_port);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
		    SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
		    errno != EINPROGRESS)
			goto next;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		len = sizeof(soerr);
		soerr = 0;
		if (poll(&pfd, 1, BACKEND_TIMEOUT * 1000) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1 ||
		    soerr != 0) {
			errno = soerr ? soerr : ETIMEDOUT;
			goto next;
		}
		r = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &r, sizeof(r));
		freeaddrinfo(res);
		return fd;
	next:
		snprintf(err, errsz, "%s:%d: %s", cn->cn_host, cn->cn_port,
		    strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return -1;
}

/*
 * Read the CA file of a connection with "tls ca", for the worker, which
 * cannot open files.  It is read at each dial, as the admin login reads
 * it at each check, so a renewed CA needs no reload; the broker's user
 * must be able to read it.
 */
int
backend_ca(const struct conf_connection *cn, uint8_t *pem, size_t pemsz,
    size_t *lenp, char *err, size_t errsz)
{
	struct stat st;
	size_t off = 0;
	ssize_t n;
	int fd;

	*lenp = 0;
	if ((fd = open(cn->cn_tls_ca, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) ==
	    -1) {
		snprintf(err, errsz, "%s: %s", cn->cn_tls_ca, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > pemsz) {
		snprintf(err, errsz, "%s: not a regular file of 1 to %zu bytes",
		    cn->cn_tls_ca, pemsz);
		close(fd);
		return -1;
	}
	while (off < (size_t)st.st_size) {
		n = read(fd, pem + off, (size_t)st.st_size - off);
		if (n <= 0) {
			snprintf(err, errsz, "%s: %s", cn->cn_tls_ca,
			    n == 0 ? "short read" : strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	close(fd);
	*lenp = off;
	return 0;
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
