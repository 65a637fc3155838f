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
 * The MySQL wire codec.  Parsers decode with a struct cursor, whose
 * first error sticks, cap every length before they use it, and end
 * with cur_end() where the packet's layout is fixed.  Builders append
 * a payload to a struct buf and, when they fail, leave it as it was;
 * framing a payload into packets is a separate step.  The hashing and
 * RSA of the client-side authentication plugins use libcrypto and wipe
 * what they derive from a password.  libcrypto reads its configuration
 * and loads its providers on first use, and OAEP wants random bytes: a
 * sandboxed caller has it initialised before the sandbox closes.
 */

#include <limits.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/mysql.h"

#define LENENC_NULL 0xfb
#define LENENC_2    0xfc
#define LENENC_3    0xfd
#define LENENC_8    0xfe
#define LENENC_BAD  0xff

#define GREETING_VERSION 10
#define FILLER_LEN	 23 /* login bytes after the charset */
#define RESERVED_LEN	 10 /* greeting bytes after auth data length */
#define COLUMN_FIXED	 0x0c
#define OAEP_SHA1_EXTRA	 42 /* 2 * SHA-1 length + 2 */
#define RSA_BITS_MIN	 2048
#define RSA_BITS_MAX	 8192

static const char *const com_names[] = {
    "COM_SLEEP",
    "COM_QUIT",
    "COM_INIT_DB",
    "COM_QUERY",
    "COM_FIELD_LIST",
    "COM_CREATE_DB",
    "COM_DROP_DB",
    "COM_REFRESH",
    "COM_SHUTDOWN",
    "COM_STATISTICS",
    "COM_PROCESS_INFO",
    "COM_CONNECT",
    "COM_PROCESS_KILL",
    "COM_DEBUG",
    "COM_PING",
    "COM_TIME",
    "COM_DELAYED_INSERT",
    "COM_CHANGE_USER",
    "COM_BINLOG_DUMP",
    "COM_TABLE_DUMP",
    "COM_CONNECT_OUT",
    "COM_REGISTER_SLAVE",
    "COM_STMT_PREPARE",
    "COM_STMT_EXECUTE",
    "COM_STMT_SEND_LONG_DATA",
    "COM_STMT_CLOSE",
    "COM_STMT_RESET",
    "COM_SET_OPTION",
    "COM_STMT_FETCH",
    "COM_DAEMON",
    "COM_BINLOG_DUMP_GTID",
    "COM_RESET_CONNECTION",
    "COM_CLONE",
};

static int cur_fail(struct cursor *, int);
static void cur_string(struct cursor *, struct mysql_str *, size_t);
static void cur_lenstring(struct cursor *, struct mysql_str *, size_t);
static int str_ok(const void *, size_t, size_t);
static int put_zeros(struct buf *, size_t);
static int put_nulstr(struct buf *, const void *, size_t, size_t);
static int put_ident(struct buf *, const struct mysql_str *);
static int build_done(struct buf *, size_t, int);
static int parse_attrs(struct cursor *, struct mysql_login *);
static int put_attrs(struct buf *, const struct mysql_login *);
static int login_head(struct cursor *, uint64_t, struct mysql_login *);
static int put_login_head(struct buf *, const struct mysql_login *);
static int
digest2(const EVP_MD *, const void *, size_t, const void *, size_t, uint8_t *);
static int
rsa_encrypt(EVP_PKEY *, const uint8_t *, size_t, uint8_t *, size_t, size_t *);

const char *
mysql_com_name(uint8_t com)
{
	if (com < sizeof(com_names) / sizeof(com_names[0]))
		return com_names[com];
	if (com == COM_STMT_BULK_EXECUTE)
		return "COM_STMT_BULK_EXECUTE";
	if (com == COM_MULTI)
		return "COM_MULTI";
	return "COM_UNKNOWN";
}

/*
 * Classify a reply by its first byte.  Among rows a leading 0x00 or
 * 0xfb is data (an empty or NULL first column), and a row may begin
 * with 0xfe only when it is at least 16 MiB long, which tells it from
 * an EOF (under 9 bytes) or an OK that replaces EOF (under 16 MiB).
 */
enum mysql_reply
mysql_reply_kind(const uint8_t *p, size_t len, uint64_t caps, int rows)
{
	if (len == 0)
		return MYSQL_REPLY_BAD;
	switch (p[0]) {
	case MYSQL_OK_HDR:
		return rows ? MYSQL_REPLY_DATA : MYSQL_REPLY_OK;
	case MYSQL_INFILE_HDR:
		return rows ? MYSQL_REPLY_DATA : MYSQL_REPLY_INFILE;
	case MYSQL_ERR_HDR:
		return len < 3 ? MYSQL_REPLY_BAD : MYSQL_REPLY_ERR;
	case MYSQL_EOF_HDR:
		if (caps & CLIENT_DEPRECATE_EOF)
			return len < MYSQL_PACKET_MAX ? MYSQL_REPLY_EOF
						      : MYSQL_REPLY_DATA;
		return len < 9 ? MYSQL_REPLY_EOF : MYSQL_REPLY_DATA;
	default:
		return MYSQL_REPLY_DATA;
	}
}

static int
cur_fail(struct cursor *c, int error)
{
	if (c->c_err == GW_OK)
		c->c_err = error;
	return c->c_err;
}

/*
 * A length-encoded integer.  The first byte says how many follow, and
 * the value is read as that width says even when a shorter form would
 * have done: the specification defines the decoding by the first byte
 * alone, servers accept such forms, and they decode to the same value
 * everywhere.  0xfb (NULL in a row) and 0xff (undefined) are refused;
 * mysql_cur_null() takes the NULL marker where a row allows it.
 */
uint64_t
mysql_cur_lenenc(struct cursor *c)
{
	const uint8_t *p;
	uint8_t b;

	b = cur_u8(c);
	if (c->c_err != GW_OK)
		return 0;
	switch (b) {
	case LENENC_NULL:
	case LENENC_BAD:
		cur_fail(c, GW_EPROTO);
		return 0;
	case LENENC_2:
		return cur_u16(c);
	case LENENC_3:
		if ((p = cur_bytes(c, 3)) == NULL)
			return 0;
		return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		    (uint64_t)p[2] << 16;
	case LENENC_8:
		return cur_u64(c);
	default:
		return b;
	}
}

/* A length-encoded string of at most max bytes, pointing into the input. */
const uint8_t *
mysql_cur_lenstr(struct cursor *c, size_t *lenp, size_t max)
{
	const uint8_t *p;
	uint64_t n;

	*lenp = 0;
	n = mysql_cur_lenenc(c);
	if (c->c_err != GW_OK)
		return NULL;
	if (n > max) {
		cur_fail(c, GW_ETOOLONG);
		return NULL;
	}
	if ((p = cur_bytes(c, (size_t)n)) != NULL)
		*lenp = (size_t)n;
	return p;
}

/*
 * A NUL-terminated string of at most max bytes before the NUL.  The
 * result points into the input, where the NUL terminates it.
 */
const char *
mysql_cur_nulstr(struct cursor *c, size_t *lenp, size_t max)
{
	const uint8_t *p, *nul;
	size_t look, n;

	*lenp = 0;
	if (c->c_err != GW_OK)
		return NULL;
	look = c->c_left;
	if (max < look)
		look = max + 1;
	if ((nul = memchr(c->c_p, '\0', look)) == NULL) {
		cur_fail(c, c->c_left > max ? GW_ETOOLONG : GW_ETRUNC);
		return NULL;
	}
	n = (size_t)(nul - c->c_p);
	p = cur_bytes(c, n + 1);
	*lenp = n;
	return (const char *)p;
}

/* Consume a NULL marker (0xfb) if the next value is one; 1 if it was. */
int
mysql_cur_null(struct cursor *c)
{
	if (c->c_err != GW_OK || c->c_left == 0 || c->c_p[0] != LENENC_NULL)
		return 0;
	(void)cur_bytes(c, 1);
	return 1;
}

size_t
mysql_lenenc_size(uint64_t v)
{
	if (v < LENENC_NULL)
		return 1;
	if (v <= 0xffff)
		return 3;
	if (v <= 0xffffff)
		return 4;
	return 9;
}

/* Always the shortest form. */
int
mysql_put_lenenc(struct buf *b, uint64_t v)
{
	uint8_t p[9];
	size_t n, i;

	n = mysql_lenenc_size(v);
	switch (n) {
	case 1:
		p[0] = (uint8_t)v;
		break;
	case 3:
		p[0] = LENENC_2;
		break;
	case 4:
		p[0] = LENENC_3;
		break;
	default:
		p[0] = LENENC_8;
		break;
	}
	for (i = 1; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (i - 1)));
	return buf_put(b, p, n);
}

int
mysql_put_lenstr(struct buf *b, const void *p, size_t n)
{
	int r;

	if ((r = buf_reserve(b, mysql_lenenc_size(n) + n)) != GW_OK)
		return r;
	if ((r = mysql_put_lenenc(b, n)) != GW_OK)
		return r;
	return buf_put(b, p, n);
}

static void
cur_string(struct cursor *c, struct mysql_str *s, size_t max)
{
	s->ms_p = mysql_cur_nulstr(c, &s->ms_len, max);
}

static void
cur_lenstring(struct cursor *c, struct mysql_str *s, size_t max)
{
	s->ms_p = (const char *)mysql_cur_lenstr(c, &s->ms_len, max);
}

/* A string we send NUL-terminated: bounded, and no NUL inside. */
static int
str_ok(const void *p, size_t n, size_t max)
{
	if (n > max)
		return GW_ETOOLONG;
	if (n > 0 && memchr(p, '\0', n) != NULL)
		return GW_ENUL;
	return GW_OK;
}

static int
put_zeros(struct buf *b, size_t n)
{
	static const uint8_t zeros[32];

	if (n > sizeof(zeros))
		return GW_EINVAL;
	return buf_put(b, zeros, n);
}

static int
put_nulstr(struct buf *b, const void *p, size_t n, size_t max)
{
	int r;

	if ((r = str_ok(p, n, max)) != GW_OK)
		return r;
	if ((r = buf_put(b, p, n)) != GW_OK)
		return r;
	return buf_put_u8(b, 0);
}

static int
put_ident(struct buf *b, const struct mysql_str *s)
{
	if (s->ms_len > MYSQL_IDENT_MAX)
		return GW_ETOOLONG;
	return mysql_put_lenstr(b, s->ms_p, s->ms_len);
}

/* A builder's exit: on failure, drop what it appended. */
static int
build_done(struct buf *b, size_t start, int r)
{
	if (r != GW_OK && b->b_len > start)
		b->b_len = start;
	return r;
}

/* The 4-byte packet header: 3 bytes of payload length, a sequence id. */
int
mysql_hdr(const uint8_t *p, size_t n, size_t *lenp, uint8_t *seqp)
{
	if (n < MYSQL_HDR_LEN)
		return GW_ETRUNC;
	*lenp = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16;
	*seqp = p[3];
	return GW_OK;
}

/*
 * Find the logical message at the start of a span of received bytes.
 * A packet of exactly MYSQL_PACKET_MAX payload bytes continues in the
 * next one, so a message of a multiple of that size ends with an empty
 * packet.  Every header must carry the next sequence id, starting at
 * seq.  A message whose payload would pass max is refused as soon as
 * the header that declares it is seen, before its body is buffered.
 */
int
mysql_frame(const uint8_t *p, size_t avail, uint8_t seq, size_t max,
    struct mysql_frame *f)
{
	size_t off = 0, len, payload = 0;
	unsigned int packets = 0;
	uint8_t s;

	memset(f, 0, sizeof(*f));
	for (;;) {
		if (avail - off < MYSQL_HDR_LEN ||
		    mysql_hdr(p + off, avail - off, &len, &s) != GW_OK) {
			f->mf_need = off + MYSQL_HDR_LEN;
			return GW_OK;
		}
		if (s != seq)
			return GW_ESEQ;
		if (len > max - payload)
			return GW_ETOOLONG;
		payload += len;
		packets++;
		seq++;
		if (avail - off - MYSQL_HDR_LEN < len) {
			f->mf_need = off + MYSQL_HDR_LEN + len;
			return GW_OK;
		}
		off += MYSQL_HDR_LEN + len;
		if (len < MYSQL_PACKET_MAX)
			break;
	}
	f->mf_done = 1;
	f->mf_need = off;
	f->mf_wire = off;
	f->mf_payload = payload;
	f->mf_packets = packets;
	f->mf_next = seq;
	return GW_OK;
}

/* Append the payload of a framed message to out, without its headers. */
int
mysql_frame_join(const uint8_t *p, const struct mysql_frame *f, struct buf *out)
{
	size_t off = 0, start = out->b_len, len;
	uint8_t seq;
	int r;

	if (!f->mf_done)
		return GW_EINVAL;
	if ((r = buf_reserve(out, f->mf_payload)) != GW_OK)
		return r;
	while (off < f->mf_wire) {
		if ((r = mysql_hdr(p + off, f->mf_wire - off, &len, &seq)) !=
		    GW_OK)
			return build_done(out, start, r);
		off += MYSQL_HDR_LEN;
		if (len > f->mf_wire - off)
			return build_done(out, start, GW_EINVAL);
		if ((r = buf_put(out, p + off, len)) != GW_OK)
			return build_done(out, start, r);
		off += len;
	}
	return GW_OK;
}

/* Start a packet whose length is known only at its end. */
int
mysql_pkt_begin(struct buf *b, size_t *offp)
{
	*offp = b->b_len;
	return buf_put_u32(b, 0);
}

/* Back-patch the header; a payload this way must fit one packet. */
int
mysql_pkt_end(struct buf *b, size_t off, uint8_t seq)
{
	size_t n;

	if (off > b->b_len || b->b_len - off < MYSQL_HDR_LEN)
		return GW_EINVAL;
	n = b->b_len - off - MYSQL_HDR_LEN;
	if (n >= MYSQL_PACKET_MAX)
		return GW_ETOOLONG;
	buf_poke_u32(b, off, (uint32_t)n | (uint32_t)seq << 24);
	return GW_OK;
}

/*
 * Frame a payload of any size as packets, splitting it at
 * MYSQL_PACKET_MAX bytes; *seqp is the first sequence id and becomes
 * the one after the last.
 */
int
mysql_put_packets(struct buf *b, uint8_t *seqp, const void *p, size_t n)
{
	const uint8_t *q = p;
	size_t npkt, chunk, off = 0;
	uint8_t seq = *seqp;
	int r;

	if (n > SIZE_MAX / 2)
		return GW_ETOOLONG;
	npkt = n / MYSQL_PACKET_MAX + 1;
	if ((r = buf_reserve(b, n + npkt * MYSQL_HDR_LEN)) != GW_OK)
		return r;
	do {
		chunk = n - off;
		if (chunk > MYSQL_PACKET_MAX)
			chunk = MYSQL_PACKET_MAX;
		r = buf_put_u32(b, (uint32_t)chunk | (uint32_t)seq << 24);
		if (r == GW_OK)
			r = buf_put(b, q + off, chunk);
		if (r != GW_OK)
			return r; /* not reached: room was reserved */
		off += chunk;
		seq++;
	} while (chunk == MYSQL_PACKET_MAX);
	*seqp = seq;
	return GW_OK;
}

/*
 * HandshakeV10.  With CLIENT_SECURE_CONNECTION the auth data is 20 to
 * 254 bytes and goes out as 8 bytes, a filler, and the rest with a NUL;
 * without it, 8 bytes.  No byte of it may be NUL, since some clients
 * read its second part as a C string.  MariaDB's extended capabilities
 * go in the last 4 reserved bytes when CLIENT_MYSQL is clear.
 */
int
mysql_build_handshake(struct buf *b, const struct mysql_handshake *hs)
{
	const uint64_t caps = hs->hs_caps;
	size_t start = b->b_len, alen = hs->hs_auth_len;
	uint8_t alen_byte;
	int r;

	if ((caps & CLIENT_MYSQL) && (caps >> 32) != 0)
		return GW_ECAPS;
	if ((r = str_ok(hs->hs_version.ms_p, hs->hs_version.ms_len,
		 MYSQL_VERSION_MAX)) != GW_OK)
		return r;
	if (caps & CLIENT_SECURE_CONNECTION) {
		if (alen < MYSQL_SCRAMBLE_LEN || alen >= MYSQL_AUTH_DATA_MAX)
			return GW_EINVAL;
		if (!(caps & CLIENT_PLUGIN_AUTH) && alen != MYSQL_SCRAMBLE_LEN)
			return GW_EINVAL;
	} else if (alen != 8)
		return GW_EINVAL;
	if (memchr(hs->hs_auth, '\0', alen) != NULL)
		return GW_ENUL;
	if ((caps & CLIENT_PLUGIN_AUTH) != 0 ? hs->hs_plugin.ms_len == 0
					     : hs->hs_plugin.ms_len != 0)
		return GW_EINVAL;
	alen_byte = (caps & CLIENT_PLUGIN_AUTH) ? (uint8_t)(alen + 1) : 0;

	if ((r = buf_put_u8(b, GREETING_VERSION)) != GW_OK ||
	    (r = put_nulstr(b, hs->hs_version.ms_p, hs->hs_version.ms_len,
		 MYSQL_VERSION_MAX)) != GW_OK ||
	    (r = buf_put_u32(b, hs->hs_conn_id)) != GW_OK ||
	    (r = buf_put(b, hs->hs_auth, 8)) != GW_OK ||
	    (r = buf_put_u8(b, 0)) != GW_OK ||
	    (r = buf_put_u16(b, caps & 0xffff)) != GW_OK ||
	    (r = buf_put_u8(b, hs->hs_charset)) != GW_OK ||
	    (r = buf_put_u16(b, hs->hs_status)) != GW_OK ||
	    (r = buf_put_u16(b, (caps >> 16) & 0xffff)) != GW_OK ||
	    (r = buf_put_u8(b, alen_byte)) != GW_OK ||
	    (r = put_zeros(b, RESERVED_LEN - 4)) != GW_OK ||
	    (r = buf_put_u32(b, (uint32_t)(caps >> 32))) != GW_OK)
		return build_done(b, start, r);
	if ((caps & CLIENT_SECURE_CONNECTION) &&
	    (r = put_nulstr(b, hs->hs_auth + 8, alen - 8, alen)) != GW_OK)
		return build_done(b, start, r);
	if ((caps & CLIENT_PLUGIN_AUTH) &&
	    (r = put_nulstr(b, hs->hs_plugin.ms_p, hs->hs_plugin.ms_len,
		 MYSQL_PLUGIN_MAX)) != GW_OK)
		return build_done(b, start, r);
	return GW_OK;
}

/*
 * A backend's greeting.  Only the 4.1 protocol is spoken: the fields
 * that the specification makes optional after the lower capabilities
 * are required.  The second part of the auth data is max(13, length -
 * 8) bytes, its last a NUL that is not part of the scramble.
 */
int
mysql_parse_handshake(const uint8_t *p, size_t len, struct mysql_handshake *hs)
{
	struct cursor c;
	const uint8_t *part;
	uint64_t caps;
	uint32_t ext;
	size_t n2;
	uint8_t alen;

	memset(hs, 0, sizeof(*hs));
	cur_init(&c, p, len);
	if (cur_u8(&c) != GREETING_VERSION)
		return c.c_err != GW_OK ? c.c_err : GW_EVERSION;
	cur_string(&c, &hs->hs_version, MYSQL_VERSION_MAX);
	hs->hs_conn_id = cur_u32(&c);
	if ((part = cur_bytes(&c, 8)) != NULL)
		memcpy(hs->hs_auth, part, 8);
	(void)cur_u8(&c); /* filler */
	caps = cur_u16(&c);
	hs->hs_charset = cur_u8(&c);
	hs->hs_status = cur_u16(&c);
	caps |= (uint64_t)cur_u16(&c) << 16;
	alen = cur_u8(&c);
	(void)cur_bytes(&c, RESERVED_LEN - 4);
	ext = cur_u32(&c);
	if (c.c_err != GW_OK)
		return c.c_err;
	if (!(caps & CLIENT_MYSQL))
		caps |= (uint64_t)ext << 32;
	hs->hs_caps = caps;
	if (!(caps & CLIENT_PROTOCOL_41))
		return GW_ECAPS;

	hs->hs_auth_len = 8;
	if (caps & CLIENT_SECURE_CONNECTION) {
		n2 = alen > 8 + 13 ? (size_t)alen - 8 : 13;
		if ((part = cur_bytes(&c, n2)) == NULL)
			return c.c_err;
		if (part[n2 - 1] == '\0')
			n2--;
		memcpy(hs->hs_auth + 8, part, n2);
		hs->hs_auth_len += n2;
	}
	if (caps & CLIENT_PLUGIN_AUTH)
		cur_string(&c, &hs->hs_plugin, MYSQL_PLUGIN_MAX);
	return cur_end(&c);
}

/* Capabilities, max packet, charset, filler: the SSLRequest's 32 bytes. */
static int
login_head(struct cursor *c, uint64_t server, struct mysql_login *ml)
{
	uint64_t caps;
	uint32_t ext;

	caps = cur_u32(c);
	ml->ml_max_packet = cur_u32(c);
	ml->ml_charset = cur_u8(c);
	(void)cur_bytes(c, FILLER_LEN - 4);
	ext = cur_u32(c);
	if (c->c_err != GW_OK)
		return c->c_err;
	if (!(server & CLIENT_MYSQL))
		caps |= (uint64_t)ext << 32;
	ml->ml_caps = caps;
	ml->ml_use = caps & server;
	if (!(ml->ml_use & CLIENT_PROTOCOL_41))
		return GW_ECAPS;
	if ((caps & CLIENT_SSL) && !(server & CLIENT_SSL))
		return GW_ECAPS;
	return GW_OK;
}

/*
 * The client's first packet is an SSLRequest when it is exactly 32
 * bytes with CLIENT_SSL: a login is longer, its user name at least a NUL.
 */
int
mysql_is_ssl_request(const uint8_t *p, size_t len)
{
	return len == MYSQL_SSL_REQUEST_LEN && (p[1] & (CLIENT_SSL >> 8));
}

int
mysql_parse_ssl_request(
    const uint8_t *p, size_t len, uint64_t server, struct mysql_login *ml)
{
	struct cursor c;
	int r;

	memset(ml, 0, sizeof(*ml));
	if (len != MYSQL_SSL_REQUEST_LEN)
		return GW_ELENGTH;
	cur_init(&c, p, len);
	if ((r = login_head(&c, server, ml)) != GW_OK)
		return r;
	if (!(ml->ml_caps & CLIENT_SSL))
		return GW_ECAPS;
	return cur_end(&c);
}

/* Connect attributes: a declared total, then key and value pairs. */
static int
parse_attrs(struct cursor *c, struct mysql_login *ml)
{
	struct mysql_attr *a;
	struct cursor sub;
	const uint8_t *p;
	uint64_t total;

	total = mysql_cur_lenenc(c);
	if (c->c_err != GW_OK)
		return c->c_err;
	if (total > MYSQL_ATTRS_BYTES_MAX)
		return cur_fail(c, GW_ETOOLONG);
	if ((p = cur_bytes(c, (size_t)total)) == NULL)
		return c->c_err;
	cur_init(&sub, p, (size_t)total);
	while (sub.c_left > 0) {
		if (ml->ml_nattrs == MYSQL_ATTRS_MAX)
			return cur_fail(c, GW_ETOOLONG);
		a = &ml->ml_attrs[ml->ml_nattrs];
		cur_lenstring(&sub, &a->ma_key, MYSQL_ATTRS_BYTES_MAX);
		cur_lenstring(&sub, &a->ma_value, MYSQL_ATTRS_BYTES_MAX);
		if (sub.c_err != GW_OK)
			return cur_fail(c, sub.c_err);
		ml->ml_nattrs++;
	}
	return GW_OK;
}

/*
 * HandshakeResponse41.  server is what the greeting offered; the
 * client's bits that it offered decide which fields follow the user
 * name, as servers read them (clients set bits they were not offered).
 * Each field the capabilities announce must be there, and nothing after
 * them.
 * XXX MySQL's server also takes a login that ends before the database
 * or plugin name its flags announce; no client seen sends one, and
 * such a login is refused here.
 */
int
mysql_parse_login(
    const uint8_t *p, size_t len, uint64_t server, struct mysql_login *ml)
{
	struct cursor c;
	uint64_t use;
	const uint8_t *a;
	int r;

	memset(ml, 0, sizeof(*ml));
	cur_init(&c, p, len);
	if ((r = login_head(&c, server, ml)) != GW_OK)
		return r;
	use = ml->ml_use;

	cur_string(&c, &ml->ml_user, MYSQL_USER_MAX);
	if (use & CLIENT_PLUGIN_AUTH_LENENC_DATA)
		a = mysql_cur_lenstr(&c, &ml->ml_auth_len, MYSQL_AUTH_MAX);
	else if (use & CLIENT_SECURE_CONNECTION) {
		ml->ml_auth_len = cur_u8(&c);
		a = cur_bytes(&c, ml->ml_auth_len);
	} else
		a = (const uint8_t *)mysql_cur_nulstr(
		    &c, &ml->ml_auth_len, MYSQL_AUTH_MAX);
	ml->ml_auth = a;
	if (a == NULL)
		ml->ml_auth_len = 0;
	if (use & CLIENT_CONNECT_WITH_DB)
		cur_string(&c, &ml->ml_db, MYSQL_DB_MAX);
	if (use & CLIENT_PLUGIN_AUTH)
		cur_string(&c, &ml->ml_plugin, MYSQL_PLUGIN_MAX);
	if ((use & CLIENT_CONNECT_ATTRS) && c.c_err == GW_OK &&
	    (r = parse_attrs(&c, ml)) != GW_OK)
		return r;
	if (use & CLIENT_ZSTD_COMPRESSION)
		ml->ml_zstd_level = cur_u8(&c);
	return cur_end(&c);
}

static int
put_login_head(struct buf *b, const struct mysql_login *ml)
{
	const uint64_t caps = ml->ml_caps;
	int r;

	if (!(caps & CLIENT_PROTOCOL_41))
		return GW_ECAPS;
	if ((caps & CLIENT_MYSQL) && (caps >> 32) != 0)
		return GW_ECAPS;
	if ((r = buf_put_u32(b, (uint32_t)caps)) != GW_OK ||
	    (r = buf_put_u32(b, ml->ml_max_packet)) != GW_OK ||
	    (r = buf_put_u8(b, ml->ml_charset)) != GW_OK ||
	    (r = put_zeros(b, FILLER_LEN - 4)) != GW_OK)
		return r;
	return buf_put_u32(b, (uint32_t)(caps >> 32));
}

int
mysql_build_ssl_request(struct buf *b, const struct mysql_login *ml)
{
	size_t start = b->b_len;

	if (!(ml->ml_caps & CLIENT_SSL))
		return GW_ECAPS;
	return build_done(b, start, put_login_head(b, ml));
}

static int
put_attrs(struct buf *b, const struct mysql_login *ml)
{
	const struct mysql_attr *a;
	size_t i, total = 0;
	int r;

	if (ml->ml_nattrs > MYSQL_ATTRS_MAX)
		return GW_EINVAL;
	for (i = 0; i < ml->ml_nattrs; i++) {
		a = &ml->ml_attrs[i];
		if (a->ma_key.ms_len > MYSQL_ATTRS_BYTES_MAX ||
		    a->ma_value.ms_len > MYSQL_ATTRS_BYTES_MAX)
			return GW_ETOOLONG;
		total += mysql_lenenc_size(a->ma_key.ms_len) + a->ma_key.ms_len;
		total +=
		    mysql_lenenc_size(a->ma_value.ms_len) + a->ma_value.ms_len;
		if (total > MYSQL_ATTRS_BYTES_MAX)
			return GW_ETOOLONG;
	}
	if ((r = mysql_put_lenenc(b, total)) != GW_OK)
		return r;
	for (i = 0; i < ml->ml_nattrs; i++) {
		a = &ml->ml_attrs[i];
		if ((r = mysql_put_lenstr(
			 b, a->ma_key.ms_p, a->ma_key.ms_len)) != GW_OK ||
		    (r = mysql_put_lenstr(
			 b, a->ma_value.ms_p, a->ma_value.ms_len)) != GW_OK)
			return r;
	}
	return GW_OK;
}

/*
 * The login towards a backend.  ml_caps decides the layout: the caller
 * sets only bits the backend offered.  MariaDB's extended capabilities
 * travel when CLIENT_MYSQL is clear, as towards a MariaDB server.
 */
int
mysql_build_login(struct buf *b, const struct mysql_login *ml)
{
	const uint64_t caps = ml->ml_caps;
	size_t start = b->b_len;
	int r;

	if ((r = put_login_head(b, ml)) != GW_OK ||
	    (r = put_nulstr(b, ml->ml_user.ms_p, ml->ml_user.ms_len,
		 MYSQL_USER_MAX)) != GW_OK)
		return build_done(b, start, r);
	if (ml->ml_auth_len > MYSQL_AUTH_MAX)
		r = GW_ETOOLONG;
	else if (caps & CLIENT_PLUGIN_AUTH_LENENC_DATA)
		r = mysql_put_lenstr(b, ml->ml_auth, ml->ml_auth_len);
	else if (caps & CLIENT_SECURE_CONNECTION) {
		if (ml->ml_auth_len > UINT8_MAX)
			r = GW_ETOOLONG;
		else if ((r = buf_put_u8(b, (uint8_t)ml->ml_auth_len)) == GW_OK)
			r = buf_put(b, ml->ml_auth, ml->ml_auth_len);
	} else
		r = put_nulstr(b, ml->ml_auth, ml->ml_auth_len, MYSQL_AUTH_MAX);
	if (r == GW_OK && (caps & CLIENT_CONNECT_WITH_DB))
		r = put_nulstr(
		    b, ml->ml_db.ms_p, ml->ml_db.ms_len, MYSQL_DB_MAX);
	if (r == GW_OK && (caps & CLIENT_PLUGIN_AUTH))
		r = put_nulstr(b, ml->ml_plugin.ms_p, ml->ml_plugin.ms_len,
		    MYSQL_PLUGIN_MAX);
	if (r == GW_OK && (caps & CLIENT_CONNECT_ATTRS))
		r = put_attrs(b, ml);
	if (r == GW_OK && (caps & CLIENT_ZSTD_COMPRESSION))
		r = buf_put_u8(b, ml->ml_zstd_level);
	return build_done(b, start, r);
}

/* AuthSwitchRequest: 0xfe, the plugin's name, and its data as is. */
int
mysql_build_auth_switch(
    struct buf *b, const char *plugin, const void *data, size_t len)
{
	size_t start = b->b_len, n = plugin == NULL ? 0 : strlen(plugin);
	int r;

	if (n == 0)
		return GW_EINVAL;
	if (len > MYSQL_AUTH_MAX)
		return GW_ETOOLONG;
	if ((r = buf_put_u8(b, MYSQL_EOF_HDR)) != GW_OK ||
	    (r = put_nulstr(b, plugin, n, MYSQL_PLUGIN_MAX)) != GW_OK ||
	    (r = buf_put(b, data, len)) != GW_OK)
		return build_done(b, start, r);
	return GW_OK;
}

/*
 * A server's AuthSwitchRequest.  A bare 0xfe is the pre-4.1 request for
 * an old-style password hash, which is refused.  The data is returned
 * as sent; native and sha2 servers end their nonce with a NUL, which
 * mysql_auth_nonce() takes off, while other plugins' data may end in a
 * NUL that belongs to it.
 */
int
mysql_parse_auth_switch(
    const uint8_t *p, size_t len, struct mysql_auth_switch *as)
{
	struct cursor c;

	memset(as, 0, sizeof(*as));
	cur_init(&c, p, len);
	if (cur_u8(&c) != MYSQL_EOF_HDR)
		return c.c_err != GW_OK ? c.c_err : GW_ETYPE;
	if (c.c_left == 0)
		return GW_EPROTO;
	cur_string(&c, &as->as_plugin, MYSQL_PLUGIN_MAX);
	if (c.c_err != GW_OK)
		return c.c_err;
	if (as->as_plugin.ms_len == 0)
		return GW_EPROTO;
	if (c.c_left > MYSQL_AUTH_MAX)
		return GW_ETOOLONG;
	as->as_len = c.c_left;
	as->as_data = cur_bytes(&c, c.c_left);
	return cur_end(&c);
}

/* AuthMoreData: 0x01 and the plugin's data. */
int
mysql_build_auth_more(struct buf *b, const void *data, size_t len)
{
	size_t start = b->b_len;
	int r;

	if (len > MYSQL_AUTH_MAX)
		return GW_ETOOLONG;
	if ((r = buf_put_u8(b, MYSQL_MORE_HDR)) != GW_OK ||
	    (r = buf_put(b, data, len)) != GW_OK)
		return build_done(b, start, r);
	return GW_OK;
}

int
mysql_parse_auth_more(
    const uint8_t *p, size_t len, struct mysql_auth_switch *as)
{
	memset(as, 0, sizeof(*as));
	if (len == 0)
		return GW_ETRUNC;
	if (p[0] != MYSQL_MORE_HDR)
		return GW_ETYPE;
	if (len - 1 > MYSQL_AUTH_MAX)
		return GW_ETOOLONG;
	as->as_data = p + 1;
	as->as_len = len - 1;
	return GW_OK;
}

/* A client's reply to an auth switch or to more data: opaque bytes. */
int
mysql_parse_auth_data(const uint8_t *p, size_t len, size_t max,
    const uint8_t **datap, size_t *lenp)
{
	*datap = NULL;
	*lenp = 0;
	if (len > max)
		return GW_ETOOLONG;
	*datap = p;
	*lenp = len;
	return GW_OK;
}

/*
 * A mysql_clear_password reply: the password and, from every client
 * seen, one NUL, which is dropped.  A NUL anywhere else is refused, so
 * that the password reads the same as bytes and as a C string.
 */
int
mysql_parse_clear_password(
    const uint8_t *p, size_t len, size_t max, struct mysql_str *pw)
{
	pw->ms_p = NULL;
	pw->ms_len = 0;
	if (len > 0 && p[len - 1] == '\0')
		len--;
	if (len > max)
		return GW_ETOOLONG;
	if (len > 0 && memchr(p, '\0', len) != NULL)
		return GW_ENUL;
	pw->ms_p = (const char *)p;
	pw->ms_len = len;
	return GW_OK;
}

/* The 20-byte nonce in auth data that may end with one NUL. */
int
mysql_auth_nonce(const uint8_t *data, size_t len, const uint8_t **noncep)
{
	*noncep = NULL;
	if (len == MYSQL_SCRAMBLE_LEN + 1 && data[MYSQL_SCRAMBLE_LEN] == '\0')
		len--;
	if (len != MYSQL_SCRAMBLE_LEN)
		return GW_EPROTO;
	*noncep = data;
	return GW_OK;
}

/*
 * OK_Packet, or with eof the OK that ends a result set under
 * CLIENT_DEPRECATE_EOF.  Session state tracking is not generated: with
 * CLIENT_SESSION_TRACK the info goes out as a length-encoded string,
 * and only when there is some.
 */
int
mysql_build_ok(struct buf *b, const struct mysql_ok *ok, uint64_t caps, int eof)
{
	size_t start = b->b_len;
	int r;

	if (eof && !(caps & CLIENT_DEPRECATE_EOF))
		return GW_ECAPS;
	if (ok->ok_status & SERVER_SESSION_STATE_CHANGED)
		return GW_EINVAL;
	if (ok->ok_info.ms_len > MYSQL_AUTH_MAX)
		return GW_ETOOLONG;
	if ((r = buf_put_u8(b, eof ? MYSQL_EOF_HDR : MYSQL_OK_HDR)) != GW_OK ||
	    (r = mysql_put_lenenc(b, ok->ok_affected)) != GW_OK ||
	    (r = mysql_put_lenenc(b, ok->ok_insert_id)) != GW_OK)
		return build_done(b, start, r);
	if (caps & CLIENT_PROTOCOL_41) {
		if ((r = buf_put_u16(b, ok->ok_status)) == GW_OK)
			r = buf_put_u16(b, ok->ok_warnings);
	} else if (caps & CLIENT_TRANSACTIONS)
		r = buf_put_u16(b, ok->ok_status);
	if (r == GW_OK && ok->ok_info.ms_len > 0) {
		if (caps & CLIENT_SESSION_TRACK)
			r = mysql_put_lenstr(
			    b, ok->ok_info.ms_p, ok->ok_info.ms_len);
		else
			r = buf_put(b, ok->ok_info.ms_p, ok->ok_info.ms_len);
	}
	return build_done(b, start, r);
}

/*
 * A server's OK.  Under CLIENT_SESSION_TRACK the info and the session
 * state are length-encoded and may both be left out at the end of the
 * packet (MariaDB sends them only when there is something to say);
 * without it the info is the rest of the packet.
 */
int
mysql_parse_ok(const uint8_t *p, size_t len, uint64_t caps, struct mysql_ok *ok)
{
	struct cursor c;
	uint8_t h;

	memset(ok, 0, sizeof(*ok));
	cur_init(&c, p, len);
	h = cur_u8(&c);
	if (c.c_err != GW_OK)
		return c.c_err;
	if (h != MYSQL_OK_HDR &&
	    (h != MYSQL_EOF_HDR || !(caps & CLIENT_DEPRECATE_EOF) ||
		len >= MYSQL_PACKET_MAX))
		return GW_ETYPE;
	ok->ok_affected = mysql_cur_lenenc(&c);
	ok->ok_insert_id = mysql_cur_lenenc(&c);
	if (caps & CLIENT_PROTOCOL_41) {
		ok->ok_status = cur_u16(&c);
		ok->ok_warnings = cur_u16(&c);
	} else if (caps & CLIENT_TRANSACTIONS)
		ok->ok_status = cur_u16(&c);
	if (c.c_err != GW_OK)
		return c.c_err;
	if (!(caps & CLIENT_SESSION_TRACK)) {
		ok->ok_info.ms_len = c.c_left;
		ok->ok_info.ms_p = (const char *)cur_bytes(&c, c.c_left);
		return cur_end(&c);
	}
	if (c.c_left > 0) {
		cur_lenstring(&c, &ok->ok_info, c.c_left);
		if (ok->ok_status & SERVER_SESSION_STATE_CHANGED)
			ok->ok_state =
			    mysql_cur_lenstr(&c, &ok->ok_state_len, c.c_left);
	}
	return cur_end(&c);
}

/*
 * ERR_Packet.  The message is cut to MYSQL_ERRMSG_MAX bytes, on a
 * UTF-8 character boundary; the SQL state is five of [0-9A-Z].  Code
 * 0xffff is MariaDB's progress report and cannot be sent as an error.
 */
int
mysql_build_err(struct buf *b, uint16_t code, const char *state,
    const char *msg, uint64_t caps)
{
	size_t start = b->b_len, n, i;
	int r;

	if (state == NULL)
		state = "HY000";
	if (msg == NULL)
		msg = "";
	if (code == 0xffff || strlen(state) != 5)
		return GW_EINVAL;
	for (i = 0; i < 5; i++)
		if (!((state[i] >= '0' && state[i] <= '9') ||
			(state[i] >= 'A' && state[i] <= 'Z')))
			return GW_EINVAL;
	n = strnlen(msg, MYSQL_ERRMSG_MAX + 1);
	if (n > MYSQL_ERRMSG_MAX) {
		n = MYSQL_ERRMSG_MAX;
		while (n > 0 && ((uint8_t)msg[n] & 0xc0) == 0x80)
			n--;
	}
	if ((r = buf_put_u8(b, MYSQL_ERR_HDR)) != GW_OK ||
	    (r = buf_put_u16(b, code)) != GW_OK)
		return build_done(b, start, r);
	if ((caps & CLIENT_PROTOCOL_41) &&
	    ((r = buf_put_u8(b, '#')) != GW_OK ||
		(r = buf_put(b, state, 5)) != GW_OK))
		return build_done(b, start, r);
	return build_done(b, start, buf_put(b, msg, n));
}

/*
 * A server's ERR.  The SQL state is there when '#' follows the code; a
 * server that fails before it has read the login leaves it out.
 * XXX MariaDB's progress reports (code 0xffff) are refused: gatewayd
 * never asks for them with MARIADB_CLIENT_PROGRESS.
 */
int
mysql_parse_err(
    const uint8_t *p, size_t len, uint64_t caps, struct mysql_err *er)
{
	struct cursor c;
	const uint8_t *s;
	int i;

	memset(er, 0, sizeof(*er));
	cur_init(&c, p, len);
	if (cur_u8(&c) != MYSQL_ERR_HDR)
		return c.c_err != GW_OK ? c.c_err : GW_ETYPE;
	er->er_code = cur_u16(&c);
	if (c.c_err != GW_OK)
		return c.c_err;
	if (er->er_code == 0xffff)
		return GW_EPROTO;
	if ((caps & CLIENT_PROTOCOL_41) && c.c_left > 0 && c.c_p[0] == '#') {
		(void)cur_u8(&c);
		if ((s = cur_bytes(&c, 5)) == NULL)
			return c.c_err;
		for (i = 0; i < 5; i++) {
			if (!((s[i] >= '0' && s[i] <= '9') ||
				(s[i] >= 'A' && s[i] <= 'Z')))
				return GW_EPROTO;
			er->er_state[i] = (char)s[i];
		}
		er->er_state[5] = '\0';
	}
	er->er_msg.ms_len = c.c_left;
	er->er_msg.ms_p = (const char *)cur_bytes(&c, c.c_left);
	return cur_end(&c);
}

int
mysql_build_eof(
    struct buf *b, uint16_t warnings, uint16_t status, uint64_t caps)
{
	size_t start = b->b_len;
	int r;

	if ((r = buf_put_u8(b, MYSQL_EOF_HDR)) == GW_OK &&
	    (caps & CLIENT_PROTOCOL_41) &&
	    (r = buf_put_u16(b, warnings)) == GW_OK)
		r = buf_put_u16(b, status);
	return build_done(b, start, r);
}

int
mysql_parse_eof(const uint8_t *p, size_t len, uint64_t caps,
    uint16_t *warningsp, uint16_t *statusp)
{
	struct cursor c;

	*warningsp = *statusp = 0;
	cur_init(&c, p, len);
	if (cur_u8(&c) != MYSQL_EOF_HDR)
		return c.c_err != GW_OK ? c.c_err : GW_ETYPE;
	if (caps & CLIENT_PROTOCOL_41) {
		*warningsp = cur_u16(&c);
		*statusp = cur_u16(&c);
	}
	return cur_end(&c);
}

/*
 * The first packet of a result set: the column count and, when the
 * client asked to be told (MySQL's optional metadata, MariaDB's
 * metadata cache), whether column definitions follow.
 */
int
mysql_parse_column_count(
    const uint8_t *p, size_t len, uint64_t caps, uint64_t *countp, int *metap)
{
	struct cursor c;
	uint8_t meta = 1;

	*countp = 0;
	*metap = 0;
	cur_init(&c, p, len);
	*countp = mysql_cur_lenenc(&c);
	if (c.c_err != GW_OK)
		return c.c_err;
	if (*countp == 0)
		return GW_EPROTO;
	if (*countp > MYSQL_COLUMNS_MAX)
		return GW_ETOOLONG;
	if (caps &
	    (CLIENT_OPTIONAL_RESULTSET_METADATA |
		MARIADB_CLIENT_CACHE_METADATA)) {
		meta = cur_u8(&c);
		if (c.c_err == GW_OK && meta > 1)
			return GW_EPROTO;
	}
	*metap = meta;
	return cur_end(&c);
}

int
mysql_build_column_count(struct buf *b, uint64_t count, uint64_t caps, int meta)
{
	size_t start = b->b_len;
	int r;

	if (count == 0 || count > MYSQL_COLUMNS_MAX)
		return GW_EINVAL;
	r = mysql_put_lenenc(b, count);
	if (r == GW_OK &&
	    (caps &
		(CLIENT_OPTIONAL_RESULTSET_METADATA |
		    MARIADB_CLIENT_CACHE_METADATA)))
		r = buf_put_u8(b, meta ? 1 : 0);
	return build_done(b, start, r);
}

/*
 * ColumnDefinition41.  With MARIADB_CLIENT_EXTENDED_METADATA a
 * length-encoded block of type information sits between the names and
 * the fixed part, whose length must say 12.
 * XXX COM_FIELD_LIST appends default values; they are refused as
 * trailing bytes, as gatewayd refuses that command.
 */
int
mysql_parse_column(
    const uint8_t *p, size_t len, uint64_t caps, struct mysql_column *co)
{
	struct cursor c;

	memset(co, 0, sizeof(*co));
	cur_init(&c, p, len);
	cur_lenstring(&c, &co->co_catalog, MYSQL_IDENT_MAX);
	cur_lenstring(&c, &co->co_schema, MYSQL_IDENT_MAX);
	cur_lenstring(&c, &co->co_table, MYSQL_IDENT_MAX);
	cur_lenstring(&c, &co->co_org_table, MYSQL_IDENT_MAX);
	cur_lenstring(&c, &co->co_name, MYSQL_IDENT_MAX);
	cur_lenstring(&c, &co->co_org_name, MYSQL_IDENT_MAX);
	if (caps & MARIADB_CLIENT_EXTENDED_METADATA)
		co->co_ext =
		    mysql_cur_lenstr(&c, &co->co_ext_len, MYSQL_IDENT_MAX);
	if (mysql_cur_lenenc(&c) != COLUMN_FIXED)
		return c.c_err != GW_OK ? c.c_err : GW_EPROTO;
	co->co_charset = cur_u16(&c);
	co->co_length = cur_u32(&c);
	co->co_type = cur_u8(&c);
	co->co_flags = cur_u16(&c);
	co->co_decimals = cur_u8(&c);
	(void)cur_u16(&c); /* filler */
	return cur_end(&c);
}

int
mysql_build_column(struct buf *b, const struct mysql_column *co, uint64_t caps)
{
	size_t start = b->b_len;
	int r;

	if (co->co_ext_len > 0 && !(caps & MARIADB_CLIENT_EXTENDED_METADATA))
		return GW_ECAPS;
	if (co->co_ext_len > MYSQL_IDENT_MAX)
		return GW_ETOOLONG;
	if ((r = put_ident(b, &co->co_catalog)) != GW_OK ||
	    (r = put_ident(b, &co->co_schema)) != GW_OK ||
	    (r = put_ident(b, &co->co_table)) != GW_OK ||
	    (r = put_ident(b, &co->co_org_table)) != GW_OK ||
	    (r = put_ident(b, &co->co_name)) != GW_OK ||
	    (r = put_ident(b, &co->co_org_name)) != GW_OK)
		return build_done(b, start, r);
	if ((caps & MARIADB_CLIENT_EXTENDED_METADATA) &&
	    (r = mysql_put_lenstr(b, co->co_ext, co->co_ext_len)) != GW_OK)
		return build_done(b, start, r);
	if ((r = mysql_put_lenenc(b, COLUMN_FIXED)) != GW_OK ||
	    (r = buf_put_u16(b, co->co_charset)) != GW_OK ||
	    (r = buf_put_u32(b, co->co_length)) != GW_OK ||
	    (r = buf_put_u8(b, co->co_type)) != GW_OK ||
	    (r = buf_put_u16(b, co->co_flags)) != GW_OK ||
	    (r = buf_put_u8(b, co->co_decimals)) != GW_OK ||
	    (r = buf_put_u16(b, 0)) != GW_OK)
		return build_done(b, start, r);
	return GW_OK;
}

/* out = H(a || b). */
static int
digest2(const EVP_MD *md, const void *a, size_t alen, const void *b,
    size_t blen, uint8_t *out)
{
	EVP_MD_CTX *ctx;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return GW_ENOMEM;
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, a, alen) == 1 &&
	    (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	    EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		return GW_ECRYPTO;
	}
	return GW_OK;
}

/*
 * mysql_native_password: SHA1(password) XOR SHA1(nonce || SHA1(SHA1(
 * password))), 20 bytes into out.  An empty password has the empty
 * response, which the caller sends without calling this.
 */
int
mysql_native_scramble(const void *pw, size_t pwlen, const uint8_t *nonce,
    size_t noncelen, uint8_t *out)
{
	uint8_t h1[MYSQL_NATIVE_LEN], h2[MYSQL_NATIVE_LEN];
	uint8_t h3[MYSQL_NATIVE_LEN];
	int i, r;

	if (pwlen == 0 || noncelen != MYSQL_SCRAMBLE_LEN)
		return GW_EINVAL;
	if ((r = digest2(EVP_sha1(), pw, pwlen, NULL, 0, h1)) == GW_OK &&
	    (r = digest2(EVP_sha1(), h1, sizeof(h1), NULL, 0, h2)) == GW_OK &&
	    (r = digest2(EVP_sha1(), nonce, noncelen, h2, sizeof(h2), h3)) ==
		GW_OK)
		for (i = 0; i < MYSQL_NATIVE_LEN; i++)
			out[i] = h1[i] ^ h3[i];
	explicit_bzero(h1, sizeof(h1));
	explicit_bzero(h2, sizeof(h2));
	explicit_bzero(h3, sizeof(h3));
	return r;
}

/*
 * caching_sha2_password's fast path: SHA256(password) XOR
 * SHA256(SHA256(SHA256(password)) || nonce), 32 bytes into out.  The
 * order inside the second hash is the server's (MySQL documents its
 * Generate_scramble so); MariaDB's knowledge base has it the other way
 * round, which servers reject.
 */
int
mysql_sha2_scramble(const void *pw, size_t pwlen, const uint8_t *nonce,
    size_t noncelen, uint8_t *out)
{
	uint8_t h1[MYSQL_SHA2_LEN], h2[MYSQL_SHA2_LEN], h3[MYSQL_SHA2_LEN];
	int i, r;

	if (pwlen == 0 || noncelen != MYSQL_SCRAMBLE_LEN)
		return GW_EINVAL;
	if ((r = digest2(EVP_sha256(), pw, pwlen, NULL, 0, h1)) == GW_OK &&
	    (r = digest2(EVP_sha256(), h1, sizeof(h1), NULL, 0, h2)) == GW_OK &&
	    (r = digest2(EVP_sha256(), h2, sizeof(h2), nonce, noncelen, h3)) ==
		GW_OK)
		for (i = 0; i < MYSQL_SHA2_LEN; i++)
			out[i] = h1[i] ^ h3[i];
	explicit_bzero(h1, sizeof(h1));
	explicit_bzero(h2, sizeof(h2));
	explicit_bzero(h3, sizeof(h3));
	return r;
}

static int
rsa_encrypt(EVP_PKEY *pk, const uint8_t *in, size_t inlen, uint8_t *out,
    size_t outsz, size_t *outlenp)
{
	EVP_PKEY_CTX *ctx;
	size_t n = outsz;
	int ok;

	if ((ctx = EVP_PKEY_CTX_new(pk, NULL)) == NULL)
		return GW_ENOMEM;
	ok = EVP_PKEY_encrypt_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) == 1 &&
	    EVP_PKEY_encrypt(ctx, out, &n, in, inlen) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok)
		return GW_ECRYPTO;
	*outlenp = n;
	return GW_OK;
}

/*
 * caching_sha2_password's full authentication without TLS: the
 * password and its NUL, XORed with the nonce repeated, encrypted under
 * the server's RSA public key (PEM, as its AuthMoreData carries it)
 * with OAEP padding over SHA-1, which is what the servers decrypt.  The
 * key must be RSA of 2048 to 8192 bits.  Over TLS the password goes in
 * clear instead: see mysql_put_clear_password().
 * XXX The key is whatever the server sent; without TLS a man in the
 * middle can send his own.  Pin the key, or use TLS to the backend.
 */
int
mysql_sha2_rsa(const void *pw, size_t pwlen, const uint8_t *nonce,
    size_t noncelen, const uint8_t *pem, size_t pemlen, uint8_t *out,
    size_t outsz, size_t *outlenp)
{
	uint8_t plain[MYSQL_RSA_MAX];
	const uint8_t *q = pw;
	EVP_PKEY *pk = NULL;
	BIO *bio = NULL;
	size_t i, ksize;
	int bits, r;

	*outlenp = 0;
	if (noncelen != MYSQL_SCRAMBLE_LEN || pemlen == 0)
		return GW_EINVAL;
	if (pemlen > MYSQL_PEM_MAX)
		return GW_ETOOLONG;
	if ((r = str_ok(pw, pwlen, sizeof(plain) - 1)) != GW_OK)
		return r;

	if ((bio = BIO_new_mem_buf(pem, (int)pemlen)) == NULL) {
		r = GW_ENOMEM;
		goto out;
	}
	if ((pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) == NULL) {
		r = GW_ECRYPTO;
		goto out;
	}
	bits = EVP_PKEY_get_bits(pk);
	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA || bits < RSA_BITS_MIN ||
	    bits > RSA_BITS_MAX) {
		r = GW_EINVAL;
		goto out;
	}
	ksize = (size_t)EVP_PKEY_get_size(pk);
	if (ksize > sizeof(plain) || outsz < ksize) {
		r = GW_ETOOLONG;
		goto out;
	}
	if (pwlen + 1 > ksize - OAEP_SHA1_EXTRA) {
		r = GW_ETOOLONG;
		goto out;
	}
	for (i = 0; i < pwlen + 1; i++)
		plain[i] = (i < pwlen ? q[i] : 0) ^ nonce[i % noncelen];
	r = rsa_encrypt(pk, plain, pwlen + 1, out, outsz, outlenp);
out:
	explicit_bzero(plain, sizeof(plain));
	EVP_PKEY_free(pk);
	BIO_free(bio);
	if (r != GW_OK)
		ERR_clear_error();
	return r;
}

/* A password in clear, with its NUL, for TLS and mysql_clear_password. */
int
mysql_put_clear_password(struct buf *b, const void *pw, size_t pwlen)
{
	size_t start = b->b_len;

	return build_done(b, start, put_nulstr(b, pw, pwlen, MYSQL_AUTH_MAX));
}
