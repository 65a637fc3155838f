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
 * A database client made of the worker's login pieces, for tests
 * against servers the gateway cannot mint on: it connects to HOST:PORT
 * in plaintext, answers the greeting and every authentication packet
 * with common/dbauth.c, as the worker does, then sends one query and
 * prints the first column of each row.  regress/e2e/t_sha2.sh runs it
 * against regress/e2e/fake_mysql8.py, t_ed25519.sh against MariaDB with
 * a user identified via ed25519.
 *
 * usage: dbauth-login host port user password query
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/dbauth.h"
#include "common/error.h"
#include "common/mysql.h"

#define PKT_MAX (64 * 1024)
#define CAPS                                                                   \
	(CLIENT_MYSQL | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION |        \
	    CLIENT_PLUGIN_AUTH | CLIENT_TRANSACTIONS)

static int fd = -1;
static uint8_t seq;

static void
die(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
static void readn(uint8_t *, size_t);
static size_t pkt_read(uint8_t *, size_t);
static void pkt_write(const struct buf *);
static void dial(const char *, const char *);

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("dbauth-login: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void
readn(uint8_t *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, p, n)) <= 0)
			die("connection closed");
		p += r;
		n -= (size_t)r;
	}
}

/* One packet's payload, its sequence id checked. */
static size_t
pkt_read(uint8_t *p, size_t max)
{
	uint8_t h[MYSQL_HDR_LEN];
	size_t len;

	readn(h, sizeof(h));
	len = h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
	if (h[3] != seq)
		die("sequence %u, wanted %u", h[3], seq);
	if (len > max)
		die("packet of %zu bytes", len);
	seq++;
	readn(p, len);
	return len;
}

static void
pkt_write(const struct buf *b)
{
	uint8_t h[MYSQL_HDR_LEN];

	h[0] = b->b_len & 0xff;
	h[1] = (b->b_len >> 8) & 0xff;
	h[2] = (b->b_len >> 16) & 0xff;
	h[3] = seq++;
	if (write(fd, h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    write(fd, b->b_data, b->b_len) != (ssize_t)b->b_len)
		die("write failed");
}

static void
dial(const char *host, const char *port)
{
	struct addrinfo hints, *res;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0)
		die("%s: %s", host, gai_strerror(r));
	if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, res->ai_addr, res->ai_addrlen) == -1)
		die("cannot connect to %s:%s", host, port);
	freeaddrinfo(res);
}

int
main(int argc, char *argv[])
{
	static uint8_t p[PKT_MAX];
	struct mysql_handshake hs;
	struct mysql_login ml;
	struct mysql_column col;
	struct cursor c;
	struct dbauth da;
	struct buf b, resp;
	const char *plugin;
	const uint8_t *v;
	size_t len, vlen;
	uint64_t ncol, i;
	int r, eof;

	if (argc != 6)
		die("usage: dbauth-login host port user password query");
	dial(argv[1], argv[2]);

	len = pkt_read(p, sizeof(p));
	if ((r = mysql_parse_handshake(p, len, &hs)) != GW_OK)
		die("greeting: %s", gw_strerror(r));
	buf_init(&resp, MYSQL_AUTH_MAX);
	if ((r = dbauth_start(&da, argv[4], strlen(argv[4]), 0, &hs, &resp,
		 &plugin)) != GW_OK)
		die("start: %s", gw_strerror(r));
	memset(&ml, 0, sizeof(ml));
	ml.ml_caps = ml.ml_use = CAPS;
	ml.ml_max_packet = PKT_MAX;
	ml.ml_charset = 45;
	ml.ml_user.ms_p = argv[3];
	ml.ml_user.ms_len = strlen(argv[3]);
	ml.ml_auth = resp.b_data;
	ml.ml_auth_len = resp.b_len;
	ml.ml_plugin.ms_p = plugin;
	ml.ml_plugin.ms_len = strlen(plugin);
	buf_init(&b, PKT_MAX);
	if (mysql_build_login(&b, &ml) != GW_OK)
		die("login packet");
	pkt_write(&b);

	for (;;) {
		len = pkt_read(p, sizeof(p));
		buf_reset(&b);
		r = dbauth_reply(&da, p, len, &b);
		if (r == DBA_OK)
			break;
		if (r == DBA_ERR)
			die("refused: %.*s", (int)(len > 9 ? len - 9 : 0),
			    (const char *)p + 9);
		if (r < 0)
			die("%s: %s", dbauth_plugin_name(&da), gw_strerror(r));
		if (r == DBA_SEND)
			pkt_write(&b);
	}
	printf("logged in with %s\n", dbauth_plugin_name(&da));
	dbauth_clear(&da);

	/* One query; the first column of every row. */
	seq = 0;
	buf_reset(&b);
	if (buf_put_u8(&b, COM_QUERY) != GW_OK ||
	    buf_put(&b, argv[5], strlen(argv[5])) != GW_OK)
		die("query packet");
	pkt_write(&b);
	len = pkt_read(p, sizeof(p));
	if (mysql_parse_column_count(p, len, CAPS, &ncol, &eof) != GW_OK ||
	    ncol == 0)
		die("no result set");
	for (i = 0; i < ncol; i++) {
		len = pkt_read(p, sizeof(p));
		if (mysql_parse_column(p, len, CAPS, &col) != GW_OK)
			die("column definition");
	}
	len = pkt_read(p, sizeof(p));
	if (mysql_reply_kind(p, len, CAPS, 0) != MYSQL_REPLY_EOF)
		die("no EOF after the columns");
	for (;;) {
		len = pkt_read(p, sizeof(p));
		if (mysql_reply_kind(p, len, CAPS, 1) == MYSQL_REPLY_EOF)
			break;
		cur_init(&c, p, len);
		v = mysql_cur_lenstr(&c, &vlen, len);
		if (c.c_err != GW_OK || v == NULL)
			die("row");
		printf("%.*s\n", (int)vlen, (const char *)v);
	}
	buf_free(&b);
	buf_free(&resp);
	close(fd);
	return 0;
}
