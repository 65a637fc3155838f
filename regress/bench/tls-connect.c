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
 * tls-connect: new TLS sessions per second against a MySQL server or
 * gatewayd.  Each connection is a full one, as an agent makes it: TCP
 * connect, greeting, SSLRequest, a fresh TLS handshake (no session
 * resumption), login, SELECT 1, COM_QUIT, close.  The login answers
 * mysql_native_password with the scramble and an AuthSwitchRequest to
 * mysql_clear_password with the password itself, so the same client
 * logs in as a MariaDB user or presents a token to the gateway.
 *
 *   tls-connect [-j jobs] [-t seconds] [-i idle] -c ca host port user
 *
 * The password comes from $TLSC_PASSWORD, so that a token stays out of
 * the process list.  -j runs that many connecting processes at once; -i
 * makes one connection, holds it idle for that many seconds after the
 * SELECT, and quits.  Prints "connections N seconds S per_second R".
 */

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#define CLIENT_LONG_PASSWORD 0x00000001
#define CLIENT_PROTOCOL_41   0x00000200
#define CLIENT_SSL	     0x00000800
#define CLIENT_TRANSACTIONS  0x00002000
#define CLIENT_SECURE_CONN   0x00008000
#define CLIENT_PLUGIN_AUTH   0x00080000

#define MAXPKT (1 << 20)

struct conn {
	int fd;
	SSL *ssl;
	uint8_t seq;
};

static const char *host, *port, *user, *password;
static SSL_CTX *ctx;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
io_read(struct conn *c, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if (c->ssl != NULL)
			n = SSL_read(c->ssl, p, (int)len);
		else if ((n = read(c->fd, p, len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
io_write(struct conn *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if (c->ssl != NULL)
			n = SSL_write(c->ssl, p, (int)len);
		else if ((n = write(c->fd, p, len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one packet (never more than MAXPKT) into buf; returns its length. */
static int
pkt_read(struct conn *c, uint8_t *buf)
{
	uint8_t h[4];
	size_t len;

	if (io_read(c, h, 4) == -1)
		return -1;
	len = h[0] | h[1] << 8 | (size_t)h[2] << 16;
	if (len >= MAXPKT)
		return -1;
	c->seq = h[3] + 1;
	if (io_read(c, buf, len) == -1)
		return -1;
	return (int)len;
}

static int
pkt_write(struct conn *c, const uint8_t *buf, size_t len)
{
	uint8_t h[4];

	h[0] = len & 0xff;
	h[1] = (len >> 8) & 0xff;
	h[2] = (len >> 16) & 0xff;
	h[3] = c->seq++;
	if (io_write(c, h, 4) == -1 || io_write(c, buf, len) == -1)
		return -1;
	return 0;
}

/* SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))). */
static void
native_scramble(const uint8_t *salt, uint8_t *out)
{
	uint8_t h1[20], h2[20], h3[20];
	EVP_MD_CTX *md;
	int i;

	EVP_Digest(password, strlen(password), h1, NULL, EVP_sha1(), NULL);
	EVP_Digest(h1, 20, h2, NULL, EVP_sha1(), NULL);
	if ((md = EVP_MD_CTX_new()) == NULL)
		errx(1, "EVP_MD_CTX_new");
	EVP_DigestInit_ex(md, EVP_sha1(), NULL);
	EVP_DigestUpdate(md, salt, 20);
	EVP_DigestUpdate(md, h2, 20);
	EVP_DigestFinal_ex(md, h3, NULL);
	EVP_MD_CTX_free(md);
	for (i = 0; i < 20; i++)
		out[i] = h1[i] ^ h3[i];
}

static void
put4(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static int
dial(void)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", host);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		warn("connect");
		close(fd);
		return -1;
	}
	return fd;
}

/* Login after the greeting, inside TLS; 0 once the server says OK. */
static int
login(struct conn *c, const uint8_t *salt, uint8_t *buf)
{
	uint32_t caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL |
	    CLIENT_TRANSACTIONS | CLIENT_SECURE_CONN | CLIENT_PLUGIN_AUTH;
	static const char plugin[] = "mysql_native_password";
	uint8_t out[512];
	size_t ulen = strlen(user), o = 0;
	const char *name;
	int n;

	if (ulen > 200)
		errx(2, "user name too long");
	put4(out, caps);
	put4(out + 4, MAXPKT);
	out[8] = 33;
	memset(out + 9, 0, 23);
	o = 32;
	memcpy(out + o, user, ulen + 1);
	o += ulen + 1;
	out[o++] = 20;
	native_scramble(salt, out + o);
	o += 20;
	memcpy(out + o, plugin, sizeof(plugin));
	o += sizeof(plugin);
	if (pkt_write(c, out, o) == -1)
		return -1;

	for (;;) {
		if ((n = pkt_read(c, buf)) <= 0)
			return -1;
		if (buf[0] == 0x00)
			return 0;
		if (buf[0] == 0xff) {
			warnx("login refused: %.*s", n > 9 ? n - 9 : 0,
			    (char *)buf + 9);
			return -1;
		}
		if (buf[0] != 0xfe)
			return -1;
		/* AuthSwitchRequest: plugin name, NUL, its data. */
		buf[n] = '\0';
		name = (char *)buf + 1;
		if (strcmp(name, "mysql_clear_password") == 0) {
			if (pkt_write(c, (const uint8_t *)password,
				strlen(password) + 1) == -1)
				return -1;
		} else if (strcmp(name, plugin) == 0 &&
		    n >= (int)(1 + sizeof(plugin) + 20)) {
			native_scramble(buf + 1 + sizeof(plugin), out);
			if (pkt_write(c, out, 20) == -1)
				return -1;
		} else {
			warnx("unexpected auth plugin %s", name);
			return -1;
		}
	}
}

/* SELECT 1 and read through the result set's final EOF. */
static int
select1(struct conn *c, uint8_t *buf)
{
	static const uint8_t q[] = "\003SELECT 1";
	int n, eofs = 0;

	c->seq = 0;
	if (pkt_write(c, q, sizeof(q) - 1) == -1)
		return -1;
	while (eofs < 2) {
		if ((n = pkt_read(c, buf)) <= 0 || buf[0] == 0xff)
			return -1;
		if (buf[0] == 0xfe && n < 9)
			eofs++;
	}
	return 0;
}

/* One full session; 0 on success. */
static int
session(int idle)
{
	static uint8_t buf[MAXPKT + 1];
	struct conn c = {.fd = -1};
	uint8_t salt[20], req[32];
	const uint8_t *p, *end;
	int n, rv = -1;

	if ((c.fd = dial()) == -1)
		return -1;
	/* Greeting: version, thread id, salt in two parts. */
	if ((n = pkt_read(&c, buf)) < 1 || buf[0] != 10)
		goto out;
	end = buf + n;
	p = memchr(buf + 1, '\0', (size_t)n - 1);
	if (p == NULL || end - p < 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10 + 12)
		goto out;
	p += 1 + 4;
	memcpy(salt, p, 8);
	p += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
	memcpy(salt + 8, p, 12);

	put4(req,
	    CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL |
		CLIENT_TRANSACTIONS | CLIENT_SECURE_CONN | CLIENT_PLUGIN_AUTH);
	put4(req + 4, MAXPKT);
	req[8] = 33;
	memset(req + 9, 0, 23);
	if (pkt_write(&c, req, sizeof(req)) == -1)
		goto out;

	/* A new SSL object each time: a full handshake, never resumed. */
	if ((c.ssl = SSL_new(ctx)) == NULL)
		goto out;
	SSL_set_fd(c.ssl, c.fd);
	if (SSL_connect(c.ssl) != 1) {
		ERR_print_errors_fp(stderr);
		goto out;
	}
	if (login(&c, salt, buf) == -1 || select1(&c, buf) == -1)
		goto out;
	if (idle > 0)
		sleep((unsigned)idle);
	c.seq = 0;
	if (pkt_write(&c, (const uint8_t *)"\001", 1) == -1)
		goto out;
	SSL_shutdown(c.ssl);
	rv = 0;
out:
	if (c.ssl != NULL)
		SSL_free(c.ssl);
	close(c.fd);
	return rv;
}

/* Connects for `secs' seconds; prints "count failures" on fd. */
static void
loop(double secs, int fd)
{
	double end = now() + secs;
	long ok = 0, bad = 0;
	char line[64];
	int n;

	while (now() < end) {
		if (session(0) == 0)
			ok++;
		else if (++bad > 10)
			break;
	}
	n = snprintf(line, sizeof(line), "%ld %ld\n", ok, bad);
	if (write(fd, line, (size_t)n) != n)
		err(1, "write");
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: tls-connect [-j jobs] [-t seconds] "
	    "[-i idle] -c ca host port user\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *ca = NULL;
	double secs = 5, t0, t1;
	int ch, jobs = 1, idle = 0, i, p[2];
	long ok = 0, bad = 0, a, b;
	FILE *f;

	while ((ch = getopt(argc, argv, "c:i:j:t:")) != -1) {
		switch (ch) {
		case 'c':
			ca = optarg;
			break;
		case 'i':
			idle = atoi(optarg);
			break;
		case 'j':
			jobs = atoi(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3 || ca == NULL || jobs < 1 || secs <= 0)
		usage();
	host = argv[0];
	port = argv[1];
	user = argv[2];
	if ((password = getenv("TLSC_PASSWORD")) == NULL)
		password = "";

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		errx(1, "SSL_CTX_new");
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		errx(1, "%s: cannot load", ca);
	if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx), host))
		errx(1, "X509_VERIFY_PARAM_set1_ip_asc");

	if (idle > 0)
		return session(idle) == 0 ? 0 : 1;

	if (pipe(p) == -1)
		err(1, "pipe");
	t0 = now();
	for (i = 0; i < jobs; i++) {
		switch (fork()) {
		case -1:
			err(1, "fork");
		case 0:
			close(p[0]);
			loop(secs, p[1]);
			_exit(0);
		}
	}
	close(p[1]);
	for (i = 0; i < jobs; i++)
		wait(NULL);
	t1 = now();
	if ((f = fdopen(p[0], "r")) == NULL)
		err(1, "fdopen");
	while (fscanf(f, "%ld %ld", &a, &b) == 2) {
		ok += a;
		bad += b;
	}
	fclose(f);
	printf("connections %ld failures %ld seconds %.2f per_second %.1f\n",
	    ok, bad, t1 - t0, ok / (t1 - t0));
	return bad > 0 && ok == 0 ? 1 : 0;
}
