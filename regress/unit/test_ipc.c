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
 * Unit tests for common/ipc.c.  Payloads are built two ways: with the
 * encoders, for round trips, and by hand, for what an encoder cannot
 * produce (strings at their cap, bad bytes, wrong counts).  The channel
 * tests use real SOCK_SEQPACKET socketpairs and a raw sender that can
 * break every rule, and count open descriptors to catch leaks.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <check.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "regress/unit/unit.h"

/* Arbitrary receiver phases for the ipc_check() table. */
#define PH_START 0x01
#define PH_RUN	 0x02
#define PH_END	 0x04

/* How a string field of a message is checked on decode. */
#define STR_TEXT  1 /* printable ASCII only */
#define STR_BYTES 2 /* any byte but NUL */
#define STR_OPEN  3 /* not pinned down by these tests */

struct strfield {
	uint16_t sf_type;
	int sf_index;  /* which string of the message, from 0 */
	size_t sf_cap; /* array size with the NUL */
	int sf_kind;   /* STR_* */
};

static const struct strfield strfields[] = {
    {IPC_P2B_CREDS, 0, IPC_NAME_MAX, STR_TEXT},
    {IPC_P2B_CREDS, 1, IPC_NAME_MAX, STR_OPEN},
    {IPC_P2B_CREDS, 2, IPC_SECRET_MAX, STR_BYTES},
    {IPC_P2B_SESSION, 0, IPC_PEER_MAX, STR_TEXT},
    {IPC_B2P_CONFIG_FAIL, 0, IPC_TEXT_MAX, STR_TEXT},
    {IPC_P2W_SETUP, 0, IPC_NAME_MAX, STR_TEXT},
    {IPC_P2W_SETUP, 1, IPC_PATH_MAX, STR_TEXT},
    {IPC_P2W_SETUP, 2, IPC_PATH_MAX, STR_TEXT},
    {IPC_P2W_SETUP, 3, IPC_PATH_MAX, STR_TEXT},
    {IPC_P2W_SETUP, 4, IPC_PEER_MAX, STR_TEXT},
    {IPC_P2W_SETUP, 5, IPC_NAME_MAX, STR_TEXT},
    {IPC_W2B_LOG, 0, IPC_TEXT_MAX, STR_TEXT},
    {IPC_W2B_BYE, 0, IPC_TEXT_MAX, STR_TEXT},
    {IPC_B2W_CLOSE, 0, IPC_TEXT_MAX, STR_TEXT}};
#define NSTRFIELDS (int)(sizeof(strfields) / sizeof(strfields[0]))

static const uint16_t all_types[] = {IPC_P2B_CONFIG, IPC_P2B_CREDS,
    IPC_P2B_CONFIG_END, IPC_P2B_SESSION, IPC_P2B_CONTROL, IPC_P2B_SESSION_END,
    IPC_B2P_READY, IPC_B2P_CONFIG_FAIL, IPC_B2P_RELOAD, IPC_B2P_SESSION_KILL,
    IPC_P2W_SETUP, IPC_W2B_HELLO, IPC_W2B_LOG, IPC_W2B_BYE, IPC_B2W_HELLO,
    IPC_B2W_CLOSE, IPC_W2B_AUTH, IPC_W2B_BACKEND, IPC_B2W_AUTH,
    IPC_B2W_BACKEND};
#define NTYPES (int)(sizeof(all_types) / sizeof(all_types[0]))

static const struct ipc_rule rules[] = {{IPC_W2B_HELLO, 8, 8, 0, PH_START},
    {IPC_W2B_LOG, 3, 3 + IPC_TEXT_MAX - 1, 0, PH_START | PH_RUN},
    {IPC_P2B_SESSION, 8, 8 + IPC_PEER_MAX - 1, 1, PH_RUN},
    {IPC_B2P_RELOAD, 0, 0, 0, PH_RUN | PH_END}};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static int count_fds(void);
static void pair(struct ipc_chan *, struct ipc_chan *, uint64_t);
static void unpair(struct ipc_chan *, struct ipc_chan *);
static void put_le(uint8_t *, uint64_t, int);
static size_t dgram(uint8_t *, uint16_t, uint16_t, uint32_t, uint64_t, uint32_t,
    const void *, size_t);
static void send_raw(int, uint8_t *, size_t, const int *, size_t);
static void fill(char *, size_t, char);
static void put_rawstr(struct buf *, const void *, size_t);
static void build_strings(struct buf *, uint16_t, int, const void *, size_t);
static const char *field(const union ipc_msg *, uint16_t, int);
static void sample(struct buf *, uint16_t);
static void config_case(uint32_t, uint32_t, size_t, int);
static Suite *suite_ipc(void);

/* Open descriptors of this process, the directory's own included. */
static int
count_fds(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
pair(struct ipc_chan *a, struct ipc_chan *b, uint64_t session)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ipc_chan_init(a, sv[0], session);
	ipc_chan_init(b, sv[1], session);
}

static void
unpair(struct ipc_chan *a, struct ipc_chan *b)
{
	if (a->ic_fd != -1)
		close(a->ic_fd);
	if (b->ic_fd != -1)
		close(b->ic_fd);
}

static void
put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A datagram as the wire has it, written without ipc.c's help. */
static size_t
dgram(uint8_t *out, uint16_t type, uint16_t flags, uint32_t len,
    uint64_t session, uint32_t seq, const void *payload, size_t plen)
{
	put_le(out, type, 2);
	put_le(out + 2, flags, 2);
	put_le(out + 4, len, 4);
	put_le(out + 8, session, 8);
	put_le(out + 16, seq, 4);
	if (plen > 0)
		memcpy(out + IPC_HDR_LEN, payload, plen);
	return IPC_HDR_LEN + plen;
}

/* Send bytes and any number of descriptors, bypassing ipc_send(). */
static void
send_raw(int s, uint8_t *p, size_t n, const int *fds, size_t nfds)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(8 * sizeof(int))];
	} cb;
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *cmsg;

	ck_assert_uint_le(nfds, 8);
	memset(&msg, 0, sizeof(msg));
	memset(&cb, 0, sizeof(cb));
	iov.iov_base = p;
	iov.iov_len = n;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		msg.msg_control = cb.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cmsg), fds, nfds * sizeof(int));
	}
	ck_assert_int_eq(sendmsg(s, &msg, MSG_DONTWAIT), (ssize_t)n);
}

/* cap - 1 copies of c and a NUL: the longest string cap holds. */
static void
fill(char *dst, size_t cap, char c)
{
	memset(dst, c, cap - 1);
	dst[cap - 1] = '\0';
}

static void
put_rawstr(struct buf *b, const void *s, size_t n)
{
	ck_assert_uint_le(n, UINT16_MAX);
	ck_assert_int_eq(buf_put_u16(b, (uint16_t)n), GW_OK);
	ck_assert_int_eq(buf_put(b, s, n), GW_OK);
}

/*
 * A payload of a type with strings, valid in every field except perhaps
 * string number which, which gets the n bytes at s as they are.
 */
static void
build_strings(struct buf *b, uint16_t type, int which, const void *s, size_t n)
{
	int i, nstr = 1;

	switch (type) {
	case IPC_P2B_CREDS:
		ck_assert_int_eq(buf_put_u32(b, 9), GW_OK);
		nstr = 3;
		break;
	case IPC_P2B_SESSION:
		ck_assert_int_eq(buf_put_u32(b, 4321), GW_OK);
		ck_assert_int_eq(buf_put_u16(b, 2), GW_OK);
		break;
	case IPC_B2P_CONFIG_FAIL:
		ck_assert_int_eq(buf_put_u32(b, 9), GW_OK);
		break;
	case IPC_P2W_SETUP:
		ck_assert_int_eq(buf_put_u8(b, IPC_SETUP_TLS), GW_OK);
		ck_assert_int_eq(buf_put_u8(b, 1), GW_OK);
		ck_assert_int_eq(buf_put_u32(b, 10), GW_OK);
		ck_assert_int_eq(buf_put_u32(b, 600), GW_OK);
		ck_assert_int_eq(buf_put_u32(b, 1 << 24), GW_OK);
		nstr = 6;
		break;
	case IPC_W2B_LOG:
		ck_assert_int_eq(buf_put_u8(b, 1), GW_OK);
		break;
	case IPC_W2B_BYE:
	case IPC_B2W_CLOSE:
		ck_assert_int_eq(buf_put_u16(b, IPC_REASON_QUIT), GW_OK);
		break;
	default:
		ck_abort_msg("type %u has no strings", type);
	}
	for (i = 0; i < nstr; i++) {
		if (i == which)
			put_rawstr(b, s, n);
		else
			put_rawstr(b, "ok", 2);
	}
}

/* The decoded string number which of a message. */
static const char *
field(const union ipc_msg *m, uint16_t type, int which)
{
	const char *setup[] = {m->setup.user, m->setup.chroot, m->setup.cert,
	    m->setup.key, m->setup.peer, m->setup.listener};
	const char *creds[] = {
	    m->creds.connection, m->creds.user, m->creds.password};

	switch (type) {
	case IPC_P2B_CREDS:
		return creds[which];
	case IPC_P2B_SESSION:
		return m->session.peer;
	case IPC_B2P_CONFIG_FAIL:
		return m->config_fail.reason;
	case IPC_P2W_SETUP:
		return setup[which];
	case IPC_W2B_LOG:
		return m->log.text;
	default:
		return m->bye.text;
	}
}

/* A short valid payload of each type, through the encoders. */
static void
sample(struct buf *b, uint16_t type)
{
	static const uint8_t text[] = "key = value\n";
	struct ipc_config config = {3, 100, 10, text, sizeof(text) - 1};
	struct ipc_creds creds = {3, "shop", "admin", "pw"};
	struct ipc_config_end end = {3, {0xaa, 0xbb}};
	struct ipc_session session = {77, 1, "10.0.0.5:40000"};
	struct ipc_session_end sess_end = {77, 256};
	struct ipc_ready ready = {3, 2, 1};
	struct ipc_config_fail fail = {3, "line 4: syntax error"};
	struct ipc_setup setup = {IPC_SETUP_TLS, 2, 10, 600, 1 << 24,
	    "gatewayd", "/var/empty", "/etc/c.pem", "/etc/k.pem",
	    "10.0.0.5:40000", "main"};
	struct ipc_hello hello = {IPC_VERSION, 77, "8.0.0-gatewayd"};
	struct ipc_log lg = {LOG_INFO, "handshake done"};
	struct ipc_bye bye = {IPC_REASON_TIMEOUT, "idle"};
	static const uint8_t token[] = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln";
	struct ipc_auth auth = {"shop/read", token, sizeof(token) - 1, "shop",
	    "TLSv1.3", "TLS_AES_256_GCM_SHA384", "nightly report", 600};
	struct ipc_auth_result res = {IPC_AUTH_GRANTED, 0, "", "agent-7",
	    "shop", "read", "", "gw_0123456789ab", "pw", 1900000000,
	    "10.11.6-MariaDB"};
	static const uint8_t pem[] = "-----BEGIN CERTIFICATE-----\n";
	struct ipc_backend backend = {
	    IPC_BACKEND_TLS, "db.example.com", pem, sizeof(pem) - 1};
	int r = GW_OK;

	switch (type) {
	case IPC_P2B_CONFIG:
		r = ipc_encode_config(b, &config);
		break;
	case IPC_P2B_CREDS:
		r = ipc_encode_creds(b, &creds);
		break;
	case IPC_P2B_CONFIG_END:
		r = ipc_encode_config_end(b, &end);
		break;
	case IPC_P2B_SESSION:
		r = ipc_encode_session(b, &session);
		break;
	case IPC_P2B_SESSION_END:
		r = ipc_encode_session_end(b, &sess_end);
		break;
	case IPC_B2P_READY:
		r = ipc_encode_ready(b, &ready);
		break;
	case IPC_B2P_CONFIG_FAIL:
		r = ipc_encode_config_fail(b, &fail);
		break;
	case IPC_P2W_SETUP:
		r = ipc_encode_setup(b, &setup);
		break;
	case IPC_W2B_HELLO:
		r = ipc_encode_hello(b, &hello);
		break;
	case IPC_B2W_HELLO:
		r = ipc_encode_hello_reply(b, &hello);
		break;
	case IPC_W2B_LOG:
		r = ipc_encode_log(b, &lg);
		break;
	case IPC_W2B_BYE:
	case IPC_B2W_CLOSE:
		r = ipc_encode_bye(b, &bye);
		break;
	case IPC_W2B_AUTH:
		r = ipc_encode_auth(b, &auth);
		break;
	case IPC_B2W_AUTH:
		r = ipc_encode_auth_result(b, &res);
		break;
	case IPC_B2W_BACKEND:
		r = ipc_encode_backend(b, &backend);
		break;
	default:
		break; /* the empty payloads */
	}
	ck_assert_int_eq(r, GW_OK);
}

/* Receive, check and decode in one step; refusals close the fd. */
START_TEST(read_checks_and_decodes)
{
	static const struct ipc_rule table[] = {
	    {IPC_W2B_HELLO, 8, 8, 0, PH_START},
	    {IPC_W2B_LOG, 3, 3 + IPC_TEXT_MAX, 0, PH_START | PH_RUN},
	};
	struct ipc_hello hello = {IPC_VERSION, 42, ""};
	struct ipc_log lg = {6, "bell \a"};
	struct ipc_chan a, b;
	struct ipc_hdr h;
	union ipc_msg m;
	uint8_t in[IPC_MAX_PAYLOAD];
	struct buf pb;
	int pfd[2], fd, n, before;

	pair(&a, &b, 5);
	buf_init(&pb, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_hello(&pb, &hello), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_HELLO, &pb, -1), GW_OK);
	n = ipc_read(&b, table, 2, PH_START, &h, in, sizeof(in), &m, &fd);
	ck_assert_int_eq(n, 8);
	ck_assert_uint_eq(m.hello.pid, 42);
	ck_assert_int_eq(fd, -1);

	/* In the wrong phase: refused, and the descriptor with it closed. */
	ck_assert_int_eq(pipe(pfd), 0);
	before = count_fds();
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_HELLO, &pb, pfd[0]), GW_OK);
	n = ipc_read(&b, table, 2, PH_RUN, &h, in, sizeof(in), &m, &fd);
	ck_assert_int_eq(n, GW_EFD);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(count_fds(), before);
	ck_assert_uint_eq(h.ih_type, IPC_W2B_HELLO);

	/* Well framed but undecodable: the decoder's error. */
	buf_reset(&pb);
	ck_assert_int_eq(ipc_encode_log(&pb, &lg), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_LOG, &pb, -1), GW_OK);
	n = ipc_read(&b, table, 2, PH_RUN, &h, in, sizeof(in), &m, &fd);
	ck_assert_int_eq(n, GW_ENUL);
	ck_assert_uint_eq(h.ih_type, IPC_W2B_LOG);

	ck_assert_int_eq(
	    ipc_read(&b, table, 2, PH_RUN, &h, in, sizeof(in), &m, &fd),
	    GW_EAGAIN);
	close(pfd[0]);
	close(pfd[1]);
	buf_free(&pb);
	unpair(&a, &b);
}
END_TEST

/* The login travels whole; a login without a name or token does not. */
START_TEST(auth_round_trip)
{
	static const uint8_t token[] = "a.b.c";
	struct ipc_auth a = {"shop", token, 5, "", "TLSv1.3", "X", "", 0};
	struct ipc_auth_result res;
	union ipc_msg m;
	struct buf b;

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_auth(&b, &a), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_W2B_AUTH, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_str_eq(m.auth.user, "shop");
	ck_assert_uint_eq(m.auth.token_len, 5);
	ck_assert_int_eq(memcmp(m.auth.token, "a.b.c", 5), 0);
	ck_assert_str_eq(m.auth.tls_version, "TLSv1.3");

	buf_reset(&b);
	a.token_len = 0;
	ck_assert_int_eq(ipc_encode_auth(&b, &a), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_W2B_AUTH, b.b_data, b.b_len, &m), GW_EINVAL);
	buf_reset(&b);
	a.token_len = 5;
	a.user[0] = '\0';
	ck_assert_int_eq(ipc_encode_auth(&b, &a), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_W2B_AUTH, b.b_data, b.b_len, &m), GW_EINVAL);

	memset(&res, 0, sizeof(res));
	res.outcome = IPC_AUTH_MAX + 1;
	buf_reset(&b);
	ck_assert_int_eq(ipc_encode_auth_result(&b, &res), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_AUTH, b.b_data, b.b_len, &m), GW_EINVAL);
	res.outcome = IPC_AUTH_DENIED;
	res.code = 1045;
	strlcpy(res.message, "Access denied", sizeof(res.message));
	buf_reset(&b);
	ck_assert_int_eq(ipc_encode_auth_result(&b, &res), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_AUTH, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.auth_result.code, 1045);
	ck_assert_str_eq(m.auth_result.message, "Access denied");
	buf_free(&b);
}
END_TEST

/*
 * The database socket's companion: TLS comes with a CA and a CA with
 * TLS; unknown flags, an oversized CA and a non-text host are refused.
 */
START_TEST(backend_round_trip)
{
	static uint8_t pem[IPC_CA_MAX + 1];
	struct ipc_backend in;
	union ipc_msg m;
	struct buf b;

	memset(pem, 'A', sizeof(pem));
	memset(&in, 0, sizeof(in));
	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_backend(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 7);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_BACKEND, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.backend.flags, 0);
	ck_assert_uint_eq(m.backend.ca_len, 0);

	in.flags = IPC_BACKEND_TLS;
	strlcpy(in.host, "127.0.0.1", sizeof(in.host));
	in.ca = pem;
	in.ca_len = IPC_CA_MAX;
	buf_reset(&b);
	ck_assert_int_eq(ipc_encode_backend(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 7 + 9 + IPC_CA_MAX);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_BACKEND, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.backend.flags, IPC_BACKEND_TLS);
	ck_assert_str_eq(m.backend.host, "127.0.0.1");
	ck_assert_uint_eq(m.backend.ca_len, IPC_CA_MAX);
	ck_assert_ptr_eq(m.backend.ca, b.b_data + 7 + 9);

	in.ca_len = IPC_CA_MAX + 1;
	buf_reset(&b);
	ck_assert_int_eq(ipc_encode_backend(&b, &in), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_BACKEND, b.b_data, b.b_len, &m), GW_ETOOLONG);

	/* TLS without a CA, a CA without TLS, a flag we do not know. */
	in.ca_len = 0;
	buf_reset(&b);
	ck_assert_int_eq(ipc_encode_backend(&b, &in), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_BACKEND, b.b_data, b.b_len, &m), GW_EINVAL);
	in.flags = 0;
	in.ca_len = 10;
	buf_reset(&b);
	ck_assert_int_eq(ipc_encode_backend(&b, &in), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_BACKEND, b.b_data, b.b_len, &m), GW_EINVAL);
	in.flags = IPC_BACKEND_TLS | 0x80;
	buf_reset(&b);
	ck_assert_int_eq(ipc_encode_backend(&b, &in), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_BACKEND, b.b_data, b.b_len, &m), GW_EINVAL);

	in.flags = IPC_BACKEND_TLS;
	strlcpy(in.host, "db\nhost", sizeof(in.host));
	buf_reset(&b);
	ck_assert_int_eq(ipc_encode_backend(&b, &in), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_BACKEND, b.b_data, b.b_len, &m), GW_ENUL);
	buf_free(&b);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(ipc_type_name(IPC_P2B_CONFIG), "P2B_CONFIG");
	ck_assert_str_eq(ipc_type_name(IPC_P2B_SESSION_END), "P2B_SESSION_END");
	ck_assert_str_eq(
	    ipc_type_name(IPC_B2P_SESSION_KILL), "B2P_SESSION_KILL");
	ck_assert_str_eq(ipc_type_name(IPC_P2W_SETUP), "P2W_SETUP");
	ck_assert_str_eq(ipc_type_name(IPC_W2B_BYE), "W2B_BYE");
	ck_assert_str_eq(ipc_type_name(IPC_B2W_CLOSE), "B2W_CLOSE");
	ck_assert_str_eq(ipc_type_name(IPC_NONE), "UNKNOWN");
	ck_assert_str_eq(ipc_type_name(7), "UNKNOWN");
	ck_assert_str_eq(ipc_type_name(0xffff), "UNKNOWN");

	ck_assert_str_eq(ipc_reason_name(IPC_REASON_NONE), "none");
	ck_assert_str_eq(ipc_reason_name(IPC_REASON_QUIT), "quit");
	ck_assert_str_eq(ipc_reason_name(IPC_REASON_REVOKED), "revoked");
	ck_assert_str_eq(
	    ipc_reason_name(IPC_REASON_INTERNAL), "internal error");
	ck_assert_str_eq(ipc_reason_name(IPC_REASON_MAX + 1), "unknown");
	ck_assert_str_eq(ipc_reason_name(0xffff), "unknown");
}
END_TEST

/* Every type has a name of its own. */
START_TEST(names_distinct)
{
	int i, j;

	for (i = 0; i < NTYPES; i++) {
		ck_assert_str_ne(ipc_type_name(all_types[i]), "UNKNOWN");
		for (j = 0; j < i; j++)
			ck_assert_str_ne(ipc_type_name(all_types[i]),
			    ipc_type_name(all_types[j]));
	}
}
END_TEST

START_TEST(text_ok)
{
	ck_assert_int_eq(ipc_text_ok(""), 1);
	ck_assert_int_eq(ipc_text_ok(" hello, world ~"), 1);
	ck_assert_int_eq(ipc_text_ok("a\tb"), 0);
	ck_assert_int_eq(ipc_text_ok("line\n"), 0);
	ck_assert_int_eq(ipc_text_ok("\x1f"), 0);
	ck_assert_int_eq(ipc_text_ok("\x7f"), 0);
	ck_assert_int_eq(ipc_text_ok("caf\xc3\xa9"), 0);
	ck_assert_int_eq(ipc_text_ok("\xff"), 0);
}
END_TEST

START_TEST(rt_config)
{
	static uint8_t chunk[IPC_CHUNK];
	struct ipc_config in;
	union ipc_msg m;
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t)i;
	in.generation = 0x01020304;
	in.total = IPC_CONFIG_MAX;
	in.offset = IPC_CONFIG_MAX - IPC_CHUNK;
	in.data = chunk;
	in.len = IPC_CHUNK;

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_config(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 16 + IPC_CHUNK);
	ck_assert_mem_eq(b.b_data, "\x04\x03\x02\x01\x00\x00\x10\x00", 8);
	ck_assert_int_eq(
	    ipc_decode(IPC_P2B_CONFIG, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.config.generation, 0x01020304);
	ck_assert_uint_eq(m.config.total, IPC_CONFIG_MAX);
	ck_assert_uint_eq(m.config.offset, IPC_CONFIG_MAX - IPC_CHUNK);
	ck_assert_uint_eq(m.config.len, IPC_CHUNK);
	ck_assert_ptr_eq(m.config.data, b.b_data + 16);
	ck_assert_mem_eq(m.config.data, chunk, IPC_CHUNK);
	buf_free(&b);
}
END_TEST

START_TEST(rt_creds)
{
	struct ipc_creds in;
	union ipc_msg m;
	struct buf b;

	in.generation = 42;
	fill(in.connection, sizeof(in.connection), 'c');
	fill(in.user, sizeof(in.user), 'u');
	fill(in.password, sizeof(in.password), 'p');
	in.password[0] = '\x01';
	in.password[1] = '\xff';

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_creds(&b, &in), GW_OK);
	ck_assert_uint_eq(
	    b.b_len, 4 + 3 * 2 + 2 * (IPC_NAME_MAX - 1) + IPC_SECRET_MAX - 1);
	ck_assert_int_eq(
	    ipc_decode(IPC_P2B_CREDS, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.creds.generation, 42);
	ck_assert_str_eq(m.creds.connection, in.connection);
	ck_assert_str_eq(m.creds.user, in.user);
	ck_assert_str_eq(m.creds.password, in.password);
	buf_free(&b);
}
END_TEST

START_TEST(rt_config_end)
{
	struct ipc_config_end in;
	union ipc_msg m;
	struct buf b;
	int i;

	in.generation = 0xfffffffe;
	for (i = 0; i < 32; i++)
		in.digest[i] = (uint8_t)(0xe0 + i);

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_config_end(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 36);
	ck_assert_mem_eq(b.b_data + 4, in.digest, 32);
	ck_assert_int_eq(
	    ipc_decode(IPC_P2B_CONFIG_END, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.config_end.generation, 0xfffffffe);
	ck_assert_mem_eq(m.config_end.digest, in.digest, 32);

	/* The digest is exactly 32 bytes. */
	ck_assert_int_eq(
	    ipc_decode(IPC_P2B_CONFIG_END, b.b_data, b.b_len - 1, &m),
	    GW_ETRUNC);
	buf_free(&b);
}
END_TEST

START_TEST(rt_session)
{
	struct ipc_session in;
	union ipc_msg m;
	struct buf b;

	in.pid = 0x7fffffff;
	in.listener = 0xbeef;
	fill(in.peer, sizeof(in.peer), '9');

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_session(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 8 + IPC_PEER_MAX - 1);
	ck_assert_mem_eq(b.b_data, "\xff\xff\xff\x7f\xef\xbe\x7f\x00", 8);
	ck_assert_int_eq(
	    ipc_decode(IPC_P2B_SESSION, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.session.pid, 0x7fffffff);
	ck_assert_uint_eq(m.session.listener, 0xbeef);
	ck_assert_str_eq(m.session.peer, in.peer);
	buf_free(&b);
}
END_TEST

START_TEST(rt_session_end)
{
	struct ipc_session_end in = {1234, -1};
	union ipc_msg m;
	struct buf b;

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_session_end(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 8);
	ck_assert_mem_eq(b.b_data, "\xd2\x04\x00\x00\xff\xff\xff\xff", 8);
	ck_assert_int_eq(
	    ipc_decode(IPC_P2B_SESSION_END, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.session_end.pid, 1234);
	ck_assert_int_eq(m.session_end.status, -1);
	buf_free(&b);
}
END_TEST

START_TEST(rt_ready)
{
	struct ipc_ready in = {7, 0xffff, 3};
	union ipc_msg m;
	struct buf b;

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_ready(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 8);
	ck_assert_mem_eq(b.b_data, "\x07\x00\x00\x00\xff\xff\x03\x00", 8);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2P_READY, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.ready.generation, 7);
	ck_assert_uint_eq(m.ready.usable, 0xffff);
	ck_assert_uint_eq(m.ready.failed, 3);
	buf_free(&b);
}
END_TEST

START_TEST(rt_config_fail)
{
	struct ipc_config_fail in;
	union ipc_msg m;
	struct buf b;

	in.generation = 5;
	fill(in.reason, sizeof(in.reason), '~');

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_config_fail(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 6 + IPC_TEXT_MAX - 1);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2P_CONFIG_FAIL, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.config_fail.generation, 5);
	ck_assert_str_eq(m.config_fail.reason, in.reason);
	buf_free(&b);
}
END_TEST

START_TEST(rt_setup)
{
	struct ipc_setup in;
	union ipc_msg m;
	struct buf b;

	memset(&in, 0, sizeof(in));
	in.flags = IPC_SETUP_TLS | IPC_SETUP_PLAINTEXT;
	in.verbosity = 3;
	in.handshake_timeout = 10;
	in.idle_timeout = 0x01020304;
	in.max_packet = 0xffffffff;
	fill(in.user, sizeof(in.user), 'u');
	fill(in.chroot, sizeof(in.chroot), '/');
	fill(in.cert, sizeof(in.cert), 'c');
	fill(in.key, sizeof(in.key), 'k');
	fill(in.peer, sizeof(in.peer), 'p');
	fill(in.listener, sizeof(in.listener), 'l');

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_setup(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len,
	    14 + 6 * 2 + 2 * (IPC_NAME_MAX - 1) + 3 * (IPC_PATH_MAX - 1) +
		IPC_PEER_MAX - 1);
	ck_assert_mem_eq(
	    b.b_data, "\x03\x03\x0a\x00\x00\x00\x04\x03\x02\x01", 10);
	ck_assert_int_eq(
	    ipc_decode(IPC_P2W_SETUP, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.setup.flags, 3);
	ck_assert_uint_eq(m.setup.verbosity, 3);
	ck_assert_uint_eq(m.setup.handshake_timeout, 10);
	ck_assert_uint_eq(m.setup.idle_timeout, 0x01020304);
	ck_assert_uint_eq(m.setup.max_packet, 0xffffffff);
	ck_assert_str_eq(m.setup.user, in.user);
	ck_assert_str_eq(m.setup.chroot, in.chroot);
	ck_assert_str_eq(m.setup.cert, in.cert);
	ck_assert_str_eq(m.setup.key, in.key);
	ck_assert_str_eq(m.setup.peer, in.peer);
	ck_assert_str_eq(m.setup.listener, in.listener);
	buf_free(&b);
}
END_TEST

START_TEST(rt_hello)
{
	struct ipc_hello in = {IPC_VERSION, 4242, ""};
	union ipc_msg m;
	struct buf b;

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_hello(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 8);
	ck_assert_mem_eq(b.b_data, "\x02\x00\x00\x00\x92\x10\x00\x00", 8);
	ck_assert_int_eq(
	    ipc_decode(IPC_W2B_HELLO, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.hello.version, IPC_VERSION);
	ck_assert_uint_eq(m.hello.pid, 4242);
	/* The broker's hello also says what to greet clients as. */
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_HELLO, b.b_data, b.b_len, &m), GW_ETRUNC);
	strlcpy(in.server_version, "5.5.5-10.11.6-MariaDB-gatewayd",
	    sizeof(in.server_version));
	buf_reset(&b);
	ck_assert_int_eq(ipc_encode_hello_reply(&b, &in), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_HELLO, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.hello.pid, 4242);
	ck_assert_str_eq(m.hello.server_version, in.server_version);
	buf_free(&b);
}
END_TEST

START_TEST(rt_log)
{
	struct ipc_log in;
	union ipc_msg m;
	struct buf b;

	in.level = LOG_DEBUG;
	fill(in.text, sizeof(in.text), ' ');

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_log(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 3 + IPC_TEXT_MAX - 1);
	ck_assert_int_eq(ipc_decode(IPC_W2B_LOG, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.log.level, LOG_DEBUG);
	ck_assert_str_eq(m.log.text, in.text);
	buf_free(&b);
}
END_TEST

START_TEST(rt_bye)
{
	struct ipc_bye in;
	union ipc_msg m;
	struct buf b;

	in.reason = IPC_REASON_MAX;
	fill(in.text, sizeof(in.text), 'z');

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_bye(&b, &in), GW_OK);
	ck_assert_uint_eq(b.b_len, 4 + IPC_TEXT_MAX - 1);
	ck_assert_uint_eq(b.b_data[0], IPC_REASON_MAX);
	ck_assert_uint_eq(b.b_data[1], 0);
	ck_assert_int_eq(ipc_decode(IPC_W2B_BYE, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.bye.reason, IPC_REASON_MAX);
	ck_assert_str_eq(m.bye.text, in.text);
	ck_assert_int_eq(
	    ipc_decode(IPC_B2W_CLOSE, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(m.bye.reason, IPC_REASON_MAX);
	ck_assert_str_eq(m.bye.text, in.text);
	buf_free(&b);
}
END_TEST

START_TEST(rt_empty)
{
	union ipc_msg m;

	ck_assert_int_eq(ipc_decode(IPC_P2B_CONTROL, NULL, 0, &m), GW_OK);
	ck_assert_int_eq(ipc_decode(IPC_B2P_RELOAD, NULL, 0, &m), GW_OK);
	ck_assert_int_eq(ipc_decode(IPC_B2P_SESSION_KILL, NULL, 0, &m), GW_OK);
}
END_TEST

START_TEST(decode_unknown_type)
{
	union ipc_msg m;

	ck_assert_int_eq(ipc_decode(IPC_NONE, NULL, 0, &m), GW_ETYPE);
	ck_assert_int_eq(ipc_decode(7, NULL, 0, &m), GW_ETYPE);
	ck_assert_int_eq(ipc_decode(24, NULL, 0, &m), GW_ETYPE);
	ck_assert_int_eq(ipc_decode(0xffff, NULL, 0, &m), GW_ETYPE);
}
END_TEST

/* Loop over all_types: the sample decodes, one more byte does not. */
START_TEST(decode_trailing)
{
	uint16_t type = all_types[_i];
	union ipc_msg m;
	struct buf b;

	buf_init(&b, IPC_MAX_PAYLOAD);
	sample(&b, type);
	ck_assert_int_eq(buf_put_u8(&b, 0), GW_OK);
	ck_assert_int_eq(ipc_decode(type, b.b_data, b.b_len - 1, &m), GW_OK);
	ck_assert_int_eq(ipc_decode(type, b.b_data, b.b_len, &m), GW_ETRAILING);
	buf_free(&b);
}
END_TEST

/* Loop over all_types: every proper prefix of the sample is truncated. */
START_TEST(decode_truncated)
{
	uint16_t type = all_types[_i];
	union ipc_msg m;
	struct buf b;
	size_t n;

	buf_init(&b, IPC_MAX_PAYLOAD);
	sample(&b, type);
	for (n = 0; n < b.b_len; n++)
		ck_assert_msg(ipc_decode(type, b.b_data, n, &m) == GW_ETRUNC,
		    "%s cut to %zu of %zu bytes not refused",
		    ipc_type_name(type), n, b.b_len);
	buf_free(&b);
}
END_TEST

/* Loop over strfields: cap - 1 bytes decode, cap bytes do not. */
START_TEST(decode_string_cap)
{
	const struct strfield *sf = &strfields[_i];
	union ipc_msg m;
	struct buf b;
	char *s;

	s = malloc(sf->sf_cap + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, 'a', sf->sf_cap);
	s[sf->sf_cap] = '\0';

	buf_init(&b, IPC_MAX_PAYLOAD);
	build_strings(&b, sf->sf_type, sf->sf_index, s, sf->sf_cap - 1);
	ck_assert_int_eq(ipc_decode(sf->sf_type, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_uint_eq(
	    strlen(field(&m, sf->sf_type, sf->sf_index)), sf->sf_cap - 1);

	buf_reset(&b);
	build_strings(&b, sf->sf_type, sf->sf_index, s, sf->sf_cap);
	ck_assert_int_eq(
	    ipc_decode(sf->sf_type, b.b_data, b.b_len, &m), GW_ETOOLONG);
	buf_free(&b);
	free(s);
}
END_TEST

/* Loop over strfields: embedded NULs and, in text, unprintable bytes. */
START_TEST(decode_string_bytes)
{
	static const uint8_t bad[] = {
	    0x01, '\t', '\n', 0x1f, 0x7f, 0x80, 0xc3, 0xff};
	const struct strfield *sf = &strfields[_i];
	union ipc_msg m;
	struct buf b;
	char s[8];
	size_t i;
	int r;

	buf_init(&b, IPC_MAX_PAYLOAD);
	memcpy(s, "ab\0cd", 5);
	build_strings(&b, sf->sf_type, sf->sf_index, s, 5);
	ck_assert_int_eq(
	    ipc_decode(sf->sf_type, b.b_data, b.b_len, &m), GW_ENUL);

	/* The edges of printable ASCII are fine everywhere. */
	buf_reset(&b);
	build_strings(&b, sf->sf_type, sf->sf_index, " x~", 3);
	ck_assert_int_eq(ipc_decode(sf->sf_type, b.b_data, b.b_len, &m), GW_OK);
	ck_assert_str_eq(field(&m, sf->sf_type, sf->sf_index), " x~");

	for (i = 0; i < sizeof(bad); i++) {
		if (sf->sf_kind == STR_OPEN)
			break;
		memcpy(s, "ab?cd", 6);
		s[2] = (char)bad[i];
		buf_reset(&b);
		build_strings(&b, sf->sf_type, sf->sf_index, s, 5);
		r = ipc_decode(sf->sf_type, b.b_data, b.b_len, &m);
		if (sf->sf_kind == STR_TEXT)
			ck_assert_msg(r == GW_ENUL,
			    "%s string %d: byte 0x%02x gave %d",
			    ipc_type_name(sf->sf_type), sf->sf_index, bad[i],
			    r);
		else {
			ck_assert_int_eq(r, GW_OK);
			ck_assert_mem_eq(
			    field(&m, sf->sf_type, sf->sf_index), s, 6);
		}
	}
	buf_free(&b);
}
END_TEST

/* Loop over strfields: a length that runs past the payload. */
START_TEST(decode_string_overrun)
{
	const struct strfield *sf = &strfields[_i];
	union ipc_msg m;
	struct buf b;
	size_t off;

	buf_init(&b, IPC_MAX_PAYLOAD);
	build_strings(&b, sf->sf_type, sf->sf_index, "abc", 3);
	off = b.b_len;

	/* Find the target's length field: walk back over later strings. */
	if (sf->sf_type == IPC_P2B_CREDS)
		off -= (size_t)(2 - sf->sf_index) * 4;
	else if (sf->sf_type == IPC_P2W_SETUP)
		off -= (size_t)(5 - sf->sf_index) * 4;
	off -= 5;
	ck_assert_uint_eq(b.b_data[off], 3);
	b.b_data[off] = 0xff;
	b.b_data[off + 1] = 0x00;
	ck_assert_int_eq(ipc_decode(sf->sf_type, b.b_data, b.b_len, &m),
	    (sf->sf_cap > 0xff ? GW_ETRUNC : GW_ETOOLONG));
	b.b_data[off + 1] = 0xff;
	ck_assert_int_eq(
	    ipc_decode(sf->sf_type, b.b_data, b.b_len, &m), GW_ETOOLONG);
	buf_free(&b);
}
END_TEST

START_TEST(decode_ranges)
{
	union ipc_msg m;
	struct buf b;
	uint16_t reason;
	unsigned int v;

	buf_init(&b, IPC_MAX_PAYLOAD);

	/* A log line's level is a syslog priority. */
	for (v = 0; v <= 0xff; v++) {
		buf_reset(&b);
		ck_assert_int_eq(buf_put_u8(&b, (uint8_t)v), GW_OK);
		put_rawstr(&b, "x", 1);
		ck_assert_int_eq(ipc_decode(IPC_W2B_LOG, b.b_data, b.b_len, &m),
		    (v <= LOG_DEBUG ? GW_OK : GW_EINVAL));
	}

	for (reason = 0; reason < 20; reason++) {
		buf_reset(&b);
		ck_assert_int_eq(buf_put_u16(&b, reason), GW_OK);
		put_rawstr(&b, "x", 1);
		ck_assert_int_eq(ipc_decode(IPC_W2B_BYE, b.b_data, b.b_len, &m),
		    (reason <= IPC_REASON_MAX ? GW_OK : GW_EINVAL));
		ck_assert_int_eq(
		    ipc_decode(IPC_B2W_CLOSE, b.b_data, b.b_len, &m),
		    (reason <= IPC_REASON_MAX ? GW_OK : GW_EINVAL));
	}
	buf_reset(&b);
	ck_assert_int_eq(buf_put_u16(&b, 0xffff), GW_OK);
	put_rawstr(&b, "", 0);
	ck_assert_int_eq(
	    ipc_decode(IPC_W2B_BYE, b.b_data, b.b_len, &m), GW_EINVAL);

	/* Setup flags: only the defined bits. */
	for (v = 0; v <= 0xff; v++) {
		buf_reset(&b);
		build_strings(&b, IPC_P2W_SETUP, 0, "gw", 2);
		b.b_data[0] = (uint8_t)v;
		ck_assert_int_eq(
		    ipc_decode(IPC_P2W_SETUP, b.b_data, b.b_len, &m),
		    ((v & ~IPC_SETUP_FLAGS) == 0 ? GW_OK : GW_EINVAL));
	}
	buf_free(&b);
}
END_TEST

static void
config_case(uint32_t total, uint32_t offset, size_t len, int want)
{
	static const uint8_t zero[IPC_CHUNK + 1];
	union ipc_msg m;
	struct buf b;

	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(buf_put_u32(&b, 1), GW_OK);
	ck_assert_int_eq(buf_put_u32(&b, total), GW_OK);
	ck_assert_int_eq(buf_put_u32(&b, offset), GW_OK);
	ck_assert_int_eq(buf_put_blob(&b, zero, len), GW_OK);
	ck_assert_msg(ipc_decode(IPC_P2B_CONFIG, b.b_data, b.b_len, &m) == want,
	    "total %u offset %u len %zu: want %d", total, offset, len, want);
	buf_free(&b);
}

START_TEST(decode_config_bounds)
{
	/* The chunk cap. */
	config_case(IPC_CHUNK, 0, IPC_CHUNK, GW_OK);
	config_case(IPC_CHUNK + 1, 0, IPC_CHUNK + 1, GW_ETOOLONG);

	/* The total cap. */
	config_case(IPC_CONFIG_MAX, 0, 10, GW_OK);
	config_case(IPC_CONFIG_MAX + 1, 0, 10, GW_EINVAL);
	config_case(0xffffffff, 0, 10, GW_EINVAL);

	/* Offset and length inside the total. */
	config_case(0, 0, 0, GW_OK);
	config_case(100, 100, 0, GW_OK);
	config_case(100, 101, 0, GW_EINVAL);
	config_case(100, 90, 10, GW_OK);
	config_case(100, 91, 10, GW_EINVAL);
	config_case(100, 0, 101, GW_EINVAL);
	config_case(100, 0xffffffff, 10, GW_EINVAL);
	config_case(IPC_CONFIG_MAX, IPC_CONFIG_MAX - 1, 2, GW_EINVAL);
}
END_TEST

START_TEST(decode_config_blob_overrun)
{
	union ipc_msg m;
	struct buf b;

	/* The blob says 10 bytes, 9 follow. */
	buf_init(&b, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(buf_put_u32(&b, 1), GW_OK);
	ck_assert_int_eq(buf_put_u32(&b, 100), GW_OK);
	ck_assert_int_eq(buf_put_u32(&b, 0), GW_OK);
	ck_assert_int_eq(buf_put_u32(&b, 10), GW_OK);
	ck_assert_int_eq(buf_put(&b, "123456789", 9), GW_OK);
	ck_assert_int_eq(
	    ipc_decode(IPC_P2B_CONFIG, b.b_data, b.b_len, &m), GW_ETRUNC);
	ck_assert_ptr_null(m.config.data);
	buf_free(&b);
}
END_TEST

START_TEST(check_table)
{
	const struct ipc_rule *r, *sentinel = &rules[0];
	struct ipc_hdr h;

	memset(&h, 0, sizeof(h));

	/* Unknown type, and an empty table. */
	h.ih_type = IPC_W2B_BYE;
	h.ih_len = 8;
	r = sentinel;
	ck_assert_int_eq(
	    ipc_check(rules, NRULES, &h, PH_START, -1, &r), GW_ETYPE);
	ck_assert_ptr_null(r);
	h.ih_type = IPC_W2B_HELLO;
	r = sentinel;
	ck_assert_int_eq(ipc_check(rules, 0, &h, PH_START, -1, &r), GW_ETYPE);
	ck_assert_ptr_null(r);

	/* Length just outside and at the edges of the range. */
	h.ih_len = 7;
	r = sentinel;
	ck_assert_int_eq(
	    ipc_check(rules, NRULES, &h, PH_START, -1, &r), GW_ELENGTH);
	ck_assert_ptr_null(r);
	h.ih_len = 9;
	ck_assert_int_eq(
	    ipc_check(rules, NRULES, &h, PH_START, -1, &r), GW_ELENGTH);
	h.ih_type = IPC_W2B_LOG;
	h.ih_len = 2;
	ck_assert_int_eq(
	    ipc_check(rules, NRULES, &h, PH_RUN, -1, &r), GW_ELENGTH);
	h.ih_len = 3;
	ck_assert_int_eq(ipc_check(rules, NRULES, &h, PH_RUN, -1, &r), GW_OK);
	ck_assert_ptr_eq(r, &rules[1]);
	h.ih_len = 3 + IPC_TEXT_MAX - 1;
	ck_assert_int_eq(ipc_check(rules, NRULES, &h, PH_RUN, -1, &r), GW_OK);
	h.ih_len = 3 + IPC_TEXT_MAX;
	ck_assert_int_eq(
	    ipc_check(rules, NRULES, &h, PH_RUN, -1, &r), GW_ELENGTH);
	h.ih_len = 0xffffffff;
	ck_assert_int_eq(
	    ipc_check(rules, NRULES, &h, PH_RUN, -1, &r), GW_ELENGTH);

	/* A descriptor where none belongs, and none where one does. */
	h.ih_type = IPC_W2B_HELLO;
	h.ih_len = 8;
	r = sentinel;
	ck_assert_int_eq(ipc_check(rules, NRULES, &h, PH_START, 5, &r), GW_EFD);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(ipc_check(rules, NRULES, &h, PH_START, 0, &r), GW_EFD);
	h.ih_type = IPC_P2B_SESSION;
	h.ih_len = 20;
	ck_assert_int_eq(ipc_check(rules, NRULES, &h, PH_RUN, -1, &r), GW_EFD);
	ck_assert_int_eq(ipc_check(rules, NRULES, &h, PH_RUN, 5, &r), GW_OK);
	ck_assert_ptr_eq(r, &rules[2]);

	/* Wrong phase. */
	h.ih_type = IPC_W2B_LOG;
	h.ih_len = 10;
	r = sentinel;
	ck_assert_int_eq(
	    ipc_check(rules, NRULES, &h, PH_END, -1, &r), GW_EPHASE);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(ipc_check(rules, NRULES, &h, 0, -1, &r), GW_EPHASE);
	h.ih_type = IPC_W2B_HELLO;
	h.ih_len = 8;
	ck_assert_int_eq(
	    ipc_check(rules, NRULES, &h, PH_RUN, -1, &r), GW_EPHASE);

	/* Success returns the row. */
	ck_assert_int_eq(ipc_check(rules, NRULES, &h, PH_START, -1, &r), GW_OK);
	ck_assert_ptr_eq(r, &rules[0]);
	h.ih_type = IPC_W2B_LOG;
	h.ih_len = 10;
	ck_assert_int_eq(ipc_check(rules, NRULES, &h, PH_START, -1, &r), GW_OK);
	ck_assert_ptr_eq(r, &rules[1]);
	h.ih_type = IPC_B2P_RELOAD;
	h.ih_len = 0;
	ck_assert_int_eq(
	    ipc_check(rules, NRULES, &h, PH_END | PH_START, -1, &r), GW_OK);
	ck_assert_ptr_eq(r, &rules[3]);
	ck_assert_uint_eq(r->ir_type, IPC_B2P_RELOAD);
}
END_TEST

START_TEST(hdr_decode)
{
	uint8_t d[IPC_HDR_LEN + 4];
	struct ipc_hdr h;
	size_t n;

	n = dgram(
	    d, IPC_W2B_LOG, 0, 4, 0x0102030405060708ULL, 0x0a0b0c0d, "abcd", 4);
	ck_assert_int_eq(ipc_hdr_decode(&h, d, n), GW_OK);
	ck_assert_uint_eq(h.ih_type, IPC_W2B_LOG);
	ck_assert_uint_eq(h.ih_flags, 0);
	ck_assert_uint_eq(h.ih_len, 4);
	ck_assert_uint_eq(h.ih_session, 0x0102030405060708ULL);
	ck_assert_uint_eq(h.ih_seq, 0x0a0b0c0d);

	ck_assert_int_eq(ipc_hdr_decode(&h, d, n - 1), GW_ELENGTH);
	ck_assert_int_eq(ipc_hdr_decode(&h, d, IPC_HDR_LEN - 1), GW_ETRUNC);
	ck_assert_int_eq(ipc_hdr_decode(&h, d, 0), GW_ETRUNC);
	d[2] = 1;
	ck_assert_int_eq(ipc_hdr_decode(&h, d, n), GW_EINVAL);
	d[2] = 0;
	d[3] = 0x80;
	ck_assert_int_eq(ipc_hdr_decode(&h, d, n), GW_EINVAL);
}
END_TEST

START_TEST(chan_send_recv)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	struct buf p;
	uint8_t in[IPC_MAX_PAYLOAD];
	int fd = 99;

	pair(&a, &b, 0x1122334455667788ULL);
	buf_init(&p, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(buf_put(&p, "hello", 5), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_LOG, &p, -1), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_BYE, NULL, -1), GW_OK);
	ck_assert_uint_eq(a.ic_seq_out, 2);

	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), 5);
	ck_assert_int_eq(fd, -1);
	ck_assert_uint_eq(h.ih_type, IPC_W2B_LOG);
	ck_assert_uint_eq(h.ih_flags, 0);
	ck_assert_uint_eq(h.ih_len, 5);
	ck_assert_uint_eq(h.ih_session, 0x1122334455667788ULL);
	ck_assert_uint_eq(h.ih_seq, 1);
	ck_assert_mem_eq(in, "hello", 5);

	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), 0);
	ck_assert_uint_eq(h.ih_type, IPC_W2B_BYE);
	ck_assert_uint_eq(h.ih_seq, 2);
	ck_assert_uint_eq(b.ic_seq_in, 2);

	/* And back the other way, with its own counter. */
	ck_assert_int_eq(ipc_send(&b, IPC_B2W_CLOSE, &p, -1), GW_OK);
	ck_assert_int_eq(ipc_recv(&a, &h, in, sizeof(in), &fd), 5);
	ck_assert_uint_eq(h.ih_seq, 1);
	buf_free(&p);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_header_layout)
{
	static const uint8_t want[] = {0x3d, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	    0x00, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x01, 0x00,
	    0x00, 0x00, 'x', 'y', 'z'};
	struct ipc_chan a, b;
	struct buf p;
	uint8_t in[64];

	pair(&a, &b, 0x0102030405060708ULL);
	buf_init(&p, 16);
	ck_assert_int_eq(buf_put(&p, "xyz", 3), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_LOG, &p, -1), GW_OK);
	ck_assert_int_eq(
	    recv(b.ic_fd, in, sizeof(in), 0), (ssize_t)sizeof(want));
	ck_assert_mem_eq(in, want, sizeof(want));
	buf_free(&p);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_max_payload)
{
	static uint8_t big[IPC_MAX_PAYLOAD + 1], in[IPC_MAX_PAYLOAD];
	struct ipc_chan a, b;
	struct ipc_hdr h;
	struct buf p;
	int fd;

	pair(&a, &b, 1);
	big[0] = 0x5a;
	big[IPC_MAX_PAYLOAD - 1] = 0xa5;
	buf_init(&p, sizeof(big));
	ck_assert_int_eq(buf_put(&p, big, sizeof(big)), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_LOG, &p, -1), GW_ETOOLONG);
	ck_assert_uint_eq(a.ic_seq_out, 0);
	p.b_len--;
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_LOG, &p, -1), GW_OK);
	ck_assert_int_eq(
	    ipc_recv(&b, &h, in, sizeof(in), &fd), IPC_MAX_PAYLOAD);
	ck_assert_uint_eq(h.ih_seq, 1);
	ck_assert_uint_eq(in[0], 0x5a);
	ck_assert_uint_eq(in[IPC_MAX_PAYLOAD - 1], 0xa5);
	buf_free(&p);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_fd)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t in[64];
	char c[4];
	int pfd[2], fd = -1, n;

	pair(&a, &b, 5);
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(ipc_send(&a, IPC_P2B_SESSION, NULL, pfd[1]), GW_OK);
	close(pfd[1]);
	n = count_fds();

	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(count_fds(), n + 1);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);

	/* The descriptor is the pipe's write end. */
	ck_assert_int_eq(write(fd, "ok", 2), 2);
	ck_assert_int_eq(read(pfd[0], c, sizeof(c)), 2);
	ck_assert_mem_eq(c, "ok", 2);
	close(fd);
	ck_assert_int_eq(read(pfd[0], c, sizeof(c)), 0);
	close(pfd[0]);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_seq)
{
	struct ipc_chan a, b, b2;
	struct ipc_hdr h;
	uint8_t d[IPC_HDR_LEN], in[64];
	int fd;

	pair(&a, &b, 5);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_BYE, NULL, -1), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_BYE, NULL, -1), GW_OK);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), 0);

	/* A second view of the channel that expects another number. */
	b2 = b;
	b2.ic_seq_in = 5;
	ck_assert_int_eq(ipc_recv(&b2, &h, in, sizeof(in), &fd), GW_ESEQ);
	ck_assert_uint_eq(b2.ic_seq_in, 5);

	/* A replay of number 1, then a gap. */
	dgram(d, IPC_W2B_BYE, 0, 0, 5, 1, NULL, 0);
	send_raw(a.ic_fd, d, sizeof(d), NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ESEQ);
	dgram(d, IPC_W2B_BYE, 0, 0, 5, 3, NULL, 0);
	send_raw(a.ic_fd, d, sizeof(d), NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ESEQ);
	dgram(d, IPC_W2B_BYE, 0, 0, 5, 0, NULL, 0);
	send_raw(a.ic_fd, d, sizeof(d), NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ESEQ);
	ck_assert_uint_eq(b.ic_seq_in, 1);

	/* The right number still works. */
	dgram(d, IPC_W2B_BYE, 0, 0, 5, 2, NULL, 0);
	send_raw(a.ic_fd, d, sizeof(d), NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), 0);
	ck_assert_uint_eq(b.ic_seq_in, 2);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_session)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t in[64];
	int pfd[2], fd = 99, n;

	pair(&a, &b, 7);
	b.ic_session = 8;
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_BYE, NULL, pfd[1]), GW_OK);
	close(pfd[1]);
	n = count_fds();
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ESESSION);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(count_fds(), n);
	ck_assert_uint_eq(b.ic_seq_in, 0);
	close(pfd[0]);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_short_datagram)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t d[IPC_HDR_LEN], in[64];
	int pfd[2], fd = 99, n;

	pair(&a, &b, 0);
	ck_assert_int_eq(pipe(pfd), 0);
	dgram(d, IPC_W2B_BYE, 0, 0, 0, 1, NULL, 0);
	send_raw(a.ic_fd, d, IPC_HDR_LEN - 1, &pfd[1], 1);
	send_raw(a.ic_fd, d, 1, NULL, 0);
	close(pfd[1]);
	n = count_fds();
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ETRUNC);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(count_fds(), n);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ETRUNC);
	ck_assert_uint_eq(b.ic_seq_in, 0);
	close(pfd[0]);
	unpair(&a, &b);
}
END_TEST

/*
 * On SOCK_SEQPACKET an empty datagram cannot be told from the end of the
 * channel, so it ends the channel; a descriptor riding on it must not
 * stay open in the receiver.
 */
START_TEST(chan_empty_datagram)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t d[1], in[64];
	int pfd[2], fd = 99, n, r;

	pair(&a, &b, 0);
	ck_assert_int_eq(pipe(pfd), 0);
	send_raw(a.ic_fd, d, 0, &pfd[1], 1);
	close(pfd[1]);
	n = count_fds();
	r = ipc_recv(&b, &h, in, sizeof(in), &fd);
	ck_assert_int_eq(fd, -1);
	ck_assert_msg(count_fds() == n, "descriptor leaked: %d open, was %d",
	    count_fds(), n);
	ck_assert_int_eq(r, GW_ECLOSED);
	close(pfd[0]);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_bad_length)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t d[IPC_HDR_LEN + 8], in[64];
	int fd;

	pair(&a, &b, 0);
	dgram(d, IPC_W2B_LOG, 0, 5, 0, 1, "abcd", 4);
	send_raw(a.ic_fd, d, IPC_HDR_LEN + 4, NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ELENGTH);
	dgram(d, IPC_W2B_LOG, 0, 3, 0, 1, "abcd", 4);
	send_raw(a.ic_fd, d, IPC_HDR_LEN + 4, NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ELENGTH);
	dgram(d, IPC_W2B_LOG, 0, 0xffffffff, 0, 1, "abcd", 4);
	send_raw(a.ic_fd, d, IPC_HDR_LEN + 4, NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ELENGTH);
	ck_assert_uint_eq(b.ic_seq_in, 0);

	/* Flags must be zero. */
	dgram(d, IPC_W2B_LOG, 1, 4, 0, 1, "abcd", 4);
	send_raw(a.ic_fd, d, IPC_HDR_LEN + 4, NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_EINVAL);
	dgram(d, IPC_W2B_LOG, 0x8000, 4, 0, 1, "abcd", 4);
	send_raw(a.ic_fd, d, IPC_HDR_LEN + 4, NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_EINVAL);

	/* A correct one after all that. */
	dgram(d, IPC_W2B_LOG, 0, 4, 0, 1, "abcd", 4);
	send_raw(a.ic_fd, d, IPC_HDR_LEN + 4, NULL, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), 4);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_too_big_for_receiver)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	struct buf p;
	uint8_t in[100];
	int pfd[2], fd = 99, n;
	char c;

	pair(&a, &b, 3);
	ck_assert_int_eq(pipe(pfd), 0);
	buf_init(&p, 200);
	memset(in, 'q', sizeof(in));
	ck_assert_int_eq(buf_put(&p, in, 100), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_LOG, &p, pfd[1]), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_LOG, &p, -1), GW_OK);
	close(pfd[1]);
	n = count_fds();

	ck_assert_int_eq(ipc_recv(&b, &h, in, 99, &fd), GW_ELENGTH);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(count_fds(), n);
	ck_assert_int_eq(read(pfd[0], &c, 1), 0);
	ck_assert_uint_eq(b.ic_seq_in, 0);

	/* Exactly the room needed; the refused message had number 1. */
	b.ic_seq_in = 1;
	ck_assert_int_eq(ipc_recv(&b, &h, in, 100, &fd), 100);
	ck_assert_uint_eq(h.ih_seq, 2);
	close(pfd[0]);
	buf_free(&p);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_two_fds)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t d[IPC_HDR_LEN], in[64];
	int p1[2], p2[2], fds[2], fd = 99, n;
	char c;

	pair(&a, &b, 0);
	ck_assert_int_eq(pipe(p1), 0);
	ck_assert_int_eq(pipe(p2), 0);
	fds[0] = p1[1];
	fds[1] = p2[1];
	dgram(d, IPC_P2B_SESSION, 0, 0, 0, 1, NULL, 0);
	send_raw(a.ic_fd, d, sizeof(d), fds, 2);
	close(p1[1]);
	close(p2[1]);
	n = count_fds();

	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_EFD);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(count_fds(), n);

	/* No copy of either write end is left anywhere. */
	ck_assert_int_eq(read(p1[0], &c, 1), 0);
	ck_assert_int_eq(read(p2[0], &c, 1), 0);
	ck_assert_uint_eq(b.ic_seq_in, 0);
	close(p1[0]);
	close(p2[0]);
	unpair(&a, &b);
}
END_TEST

/* Up to and past the most descriptors the receiver has room for. */
START_TEST(chan_many_fds)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t d[IPC_HDR_LEN], in[64];
	int pfd[2], fds[8], fd = 99, n, i;

	pair(&a, &b, 0);
	ck_assert_int_eq(pipe(pfd), 0);
	for (i = 0; i < 8; i++)
		fds[i] = pfd[1];
	dgram(d, IPC_P2B_SESSION, 0, 0, 0, 1, NULL, 0);
	send_raw(a.ic_fd, d, sizeof(d), fds, 4);
	send_raw(a.ic_fd, d, sizeof(d), fds, 8);
	n = count_fds();
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_EFD);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(count_fds(), n);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ELENGTH);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(count_fds(), n);
	close(pfd[0]);
	close(pfd[1]);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_closed)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t in[64];
	int fd;

	pair(&a, &b, 0);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_BYE, NULL, -1), GW_OK);
	close(a.ic_fd);
	a.ic_fd = -1;

	/* What was sent is still delivered, then the end. */
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ECLOSED);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_ECLOSED);
	ck_assert_int_eq(ipc_send(&b, IPC_B2W_CLOSE, NULL, -1), GW_ECLOSED);
	ck_assert_uint_eq(b.ic_seq_out, 0);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_empty)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t in[64];
	int fd = 99;

	pair(&a, &b, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_EAGAIN);
	ck_assert_int_eq(fd, -1);
	ck_assert_uint_eq(b.ic_seq_in, 0);
	unpair(&a, &b);
}
END_TEST

START_TEST(chan_full)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	struct buf p;
	uint8_t in[2048];
	uint32_t i, sent = 0;
	int r = GW_OK, fd, sndbuf = 1;

	pair(&a, &b, 0);
	/* The smallest send buffer the kernel allows fills quickly. */
	r = setsockopt(a.ic_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	ck_assert_int_eq(r, 0);
	buf_init(&p, sizeof(in));
	memset(in, 'f', sizeof(in));
	ck_assert_int_eq(buf_put(&p, in, sizeof(in)), GW_OK);
	while (
	    sent < 100000 && (r = ipc_send(&a, IPC_W2B_LOG, &p, -1)) == GW_OK)
		sent++;
	ck_assert_int_eq(r, GW_EAGAIN);
	ck_assert_uint_gt(sent, 0);
	ck_assert_uint_eq(a.ic_seq_out, sent);

	/* Nothing was lost or numbered twice; room again once read. */
	for (i = 1; i <= sent; i++) {
		ck_assert_int_eq(
		    ipc_recv(&b, &h, in, sizeof(in), &fd), (int)sizeof(in));
		ck_assert_uint_eq(h.ih_seq, i);
	}
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_EAGAIN);
	ck_assert_int_eq(ipc_send(&a, IPC_W2B_LOG, &p, -1), GW_OK);
	ck_assert_int_eq(
	    ipc_recv(&b, &h, in, sizeof(in), &fd), (int)sizeof(in));
	ck_assert_uint_eq(h.ih_seq, sent + 1);
	buf_free(&p);
	unpair(&a, &b);
}
END_TEST

/* A descriptor that is not open is a local failure, not the peer's. */
START_TEST(chan_bad_fd)
{
	struct ipc_chan a, b;
	struct ipc_hdr h;
	uint8_t in[64];
	int fd;

	pair(&a, &b, 0);
	ck_assert_int_eq(ipc_send(&a, IPC_P2B_CONTROL, NULL, 1000), GW_ESYS);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_uint_eq(a.ic_seq_out, 0);
	ck_assert_int_eq(ipc_recv(&b, &h, in, sizeof(in), &fd), GW_EAGAIN);
	unpair(&a, &b);

	ipc_chan_init(&a, 1000, 0);
	ck_assert_int_eq(ipc_recv(&a, &h, in, sizeof(in), &fd), GW_ESYS);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(ipc_send(&a, IPC_P2B_CONTROL, NULL, -1), GW_ESYS);
}
END_TEST

/* A message through the whole receive path, as a daemon handles it. */
START_TEST(chan_receive_path)
{
	static const struct ipc_rule worker_rules[] = {
	    {IPC_P2W_SETUP, 26, 4000, 0, PH_START}};
	struct ipc_setup setup;
	struct ipc_chan a, b;
	const struct ipc_rule *rule;
	struct ipc_hdr h;
	union ipc_msg m;
	struct buf p;
	uint8_t in[IPC_MAX_PAYLOAD];
	int fd, n;

	memset(&setup, 0, sizeof(setup));
	setup.flags = IPC_SETUP_PLAINTEXT;
	setup.idle_timeout = 3600;
	strcpy(setup.user, "_gatewayd");
	strcpy(setup.peer, "/run/gatewayd/agent.sock");
	strcpy(setup.listener, "local");

	pair(&a, &b, 0xfeed);
	buf_init(&p, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_encode_setup(&p, &setup), GW_OK);
	ck_assert_int_eq(ipc_send(&a, IPC_P2W_SETUP, &p, -1), GW_OK);
	n = ipc_recv(&b, &h, in, sizeof(in), &fd);
	ck_assert_int_eq(n, (int)p.b_len);
	ck_assert_int_eq(
	    ipc_check(worker_rules, 1, &h, PH_START, fd, &rule), GW_OK);
	ck_assert_ptr_eq(rule, &worker_rules[0]);
	ck_assert_int_eq(ipc_decode(h.ih_type, in, (size_t)n, &m), GW_OK);
	ck_assert_uint_eq(m.setup.flags, IPC_SETUP_PLAINTEXT);
	ck_assert_uint_eq(m.setup.idle_timeout, 3600);
	ck_assert_str_eq(m.setup.user, "_gatewayd");
	ck_assert_str_eq(m.setup.chroot, "");
	ck_assert_str_eq(m.setup.peer, "/run/gatewayd/agent.sock");
	ck_assert_str_eq(m.setup.listener, "local");
	buf_free(&p);
	unpair(&a, &b);
}
END_TEST

static Suite *
suite_ipc(void)
{
	Suite *s = suite_create("ipc");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_test(tc, names);
	tcase_add_test(tc, auth_round_trip);
	tcase_add_test(tc, read_checks_and_decodes);
	tcase_add_test(tc, names_distinct);
	tcase_add_test(tc, text_ok);
	suite_add_tcase(s, tc);

	tc = tcase_create("roundtrip");
	tcase_add_test(tc, rt_config);
	tcase_add_test(tc, rt_creds);
	tcase_add_test(tc, rt_config_end);
	tcase_add_test(tc, rt_session);
	tcase_add_test(tc, rt_session_end);
	tcase_add_test(tc, rt_ready);
	tcase_add_test(tc, rt_config_fail);
	tcase_add_test(tc, rt_setup);
	tcase_add_test(tc, rt_hello);
	tcase_add_test(tc, rt_log);
	tcase_add_test(tc, rt_bye);
	tcase_add_test(tc, rt_empty);
	tcase_add_test(tc, backend_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_add_test(tc, decode_unknown_type);
	tcase_add_loop_test(tc, decode_trailing, 0, NTYPES);
	tcase_add_loop_test(tc, decode_truncated, 0, NTYPES);
	tcase_add_loop_test(tc, decode_string_cap, 0, NSTRFIELDS);
	tcase_add_loop_test(tc, decode_string_bytes, 0, NSTRFIELDS);
	tcase_add_loop_test(tc, decode_string_overrun, 0, NSTRFIELDS);
	tcase_add_test(tc, decode_ranges);
	tcase_add_test(tc, decode_config_bounds);
	tcase_add_test(tc, decode_config_blob_overrun);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_test(tc, check_table);
	tcase_add_test(tc, hdr_decode);
	suite_add_tcase(s, tc);

	tc = tcase_create("channel");
	tcase_add_test(tc, chan_send_recv);
	tcase_add_test(tc, chan_header_layout);
	tcase_add_test(tc, chan_max_payload);
	tcase_add_test(tc, chan_fd);
	tcase_add_test(tc, chan_seq);
	tcase_add_test(tc, chan_session);
	tcase_add_test(tc, chan_short_datagram);
	tcase_add_test(tc, chan_empty_datagram);
	tcase_add_test(tc, chan_bad_length);
	tcase_add_test(tc, chan_too_big_for_receiver);
	tcase_add_test(tc, chan_two_fds);
	tcase_add_test(tc, chan_many_fds);
	tcase_add_test(tc, chan_closed);
	tcase_add_test(tc, chan_empty);
	tcase_add_test(tc, chan_full);
	tcase_add_test(tc, chan_bad_fd);
	tcase_add_test(tc, chan_receive_path);
	suite_add_tcase(s, tc);

	return s;
}

UNIT_MAIN(suite_ipc)
