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
 * Sending, receiving, checking and decoding IPC messages.  Nothing here
 * trusts the peer: a datagram must be exactly header plus declared
 * payload, carry at most the descriptor its type allows, arrive in
 * sequence, and decode to its last byte.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"

static const struct {
	uint16_t type;
	const char *name;
} ipc_names[] = {
    {IPC_P2B_CONFIG, "P2B_CONFIG"},
    {IPC_P2B_CREDS, "P2B_CREDS"},
    {IPC_P2B_CONFIG_END, "P2B_CONFIG_END"},
    {IPC_P2B_SESSION, "P2B_SESSION"},
    {IPC_P2B_CONTROL, "P2B_CONTROL"},
    {IPC_P2B_SESSION_END, "P2B_SESSION_END"},
    {IPC_B2P_READY, "B2P_READY"},
    {IPC_B2P_CONFIG_FAIL, "B2P_CONFIG_FAIL"},
    {IPC_B2P_RELOAD, "B2P_RELOAD"},
    {IPC_B2P_SESSION_KILL, "B2P_SESSION_KILL"},
    {IPC_P2W_SETUP, "P2W_SETUP"},
    {IPC_W2B_HELLO, "W2B_HELLO"},
    {IPC_W2B_LOG, "W2B_LOG"},
    {IPC_W2B_BYE, "W2B_BYE"},
    {IPC_B2W_HELLO, "B2W_HELLO"},
    {IPC_B2W_CLOSE, "B2W_CLOSE"},
    {IPC_W2B_AUTH, "W2B_AUTH"},
    {IPC_W2B_BACKEND, "W2B_BACKEND"},
    {IPC_B2W_AUTH, "B2W_AUTH"},
    {IPC_B2W_BACKEND, "B2W_BACKEND"},
};

static const char *const ipc_reasons[] = {
    "none",
    "quit",
    "client error",
    "timeout",
    "shutdown",
    "revoked",
    "protocol violation",
    "internal error",
};

const char *
ipc_type_name(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(ipc_names) / sizeof(ipc_names[0]); i++)
		if (ipc_names[i].type == type)
			return ipc_names[i].name;
	return "UNKNOWN";
}

const char *
ipc_reason_name(uint16_t reason)
{
	if (reason > IPC_REASON_MAX)
		return "unknown";
	return ipc_reasons[reason];
}

void
ipc_chan_init(struct ipc_chan *ch, int fd, uint64_t session)
{
	ch->ic_fd = fd;
	ch->ic_session = session;
	ch->ic_seq_out = 0;
	ch->ic_seq_in = 0;
}

/*
 * Send one message without blocking.  A full channel means the peer has
 * stopped reading; the caller treats that as a broken peer.
 */
int
ipc_send(struct ipc_chan *ch, uint16_t type, const struct buf *payload, int fd)
{
	uint8_t hdr[IPC_HDR_LEN];
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct iovec iov[2];
	struct msghdr msg;
	struct cmsghdr *cmsg;
	struct buf h;
	size_t len = payload == NULL ? 0 : payload->b_len;
	ssize_t n;

	if (len > IPC_MAX_PAYLOAD)
		return GW_ETOOLONG;

	/* The header goes through a buf of its own for the byte order. */
	buf_init(&h, IPC_HDR_LEN);
	if (buf_put_u16(&h, type) != GW_OK || buf_put_u16(&h, 0) != GW_OK ||
	    buf_put_u32(&h, (uint32_t)len) != GW_OK ||
	    buf_put_u64(&h, ch->ic_session) != GW_OK ||
	    buf_put_u32(&h, ch->ic_seq_out + 1) != GW_OK) {
		buf_free(&h);
		return GW_ENOMEM;
	}
	memcpy(hdr, h.b_data, IPC_HDR_LEN);
	buf_free(&h);

	memset(&msg, 0, sizeof(msg));
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = len ? payload->b_data : NULL;
	iov[1].iov_len = len;
	msg.msg_iov = iov;
	msg.msg_iovlen = len ? 2 : 1;
	if (fd != -1) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}

	do {
		n = sendmsg(ch->ic_fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return GW_EAGAIN;
		if (errno == EPIPE || errno == ECONNRESET)
			return GW_ECLOSED;
		return GW_ESYS;
	}
	if ((size_t)n != sizeof(hdr) + len)
		return GW_ESYS;
	ch->ic_seq_out++;
	return GW_OK;
}

int
ipc_hdr_decode(struct ipc_hdr *h, const uint8_t *p, size_t n)
{
	struct cursor c;

	cur_init(&c, p, n < IPC_HDR_LEN ? n : IPC_HDR_LEN);
	h->ih_type = cur_u16(&c);
	h->ih_flags = cur_u16(&c);
	h->ih_len = cur_u32(&c);
	h->ih_session = cur_u64(&c);
	h->ih_seq = cur_u32(&c);
	if (c.c_err != GW_OK)
		return c.c_err;
	if (h->ih_flags != 0)
		return GW_EINVAL;
	if (h->ih_len != n - IPC_HDR_LEN)
		return GW_ELENGTH;
	return GW_OK;
}

/* Close every descriptor that came with a message we are refusing. */
static void
ipc_close_fds(struct msghdr *msg)
{
	struct cmsghdr *cmsg;
	size_t i, nfd;
	int fd;

	for (cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(int));
			close(fd);
		}
	}
}

/*
 * Receive one message into hdr and payload (room for maxlen bytes).  The
 * received descriptor, if any, is stored in *fdp, else -1.  Returns the
 * payload length, GW_EAGAIN when nothing is waiting, GW_ECLOSED at end of
 * channel, or another negative error for a broken message.
 */
int
ipc_recv(struct ipc_chan *ch, struct ipc_hdr *hdr, uint8_t *payload,
    size_t maxlen, int *fdp)
{
	uint8_t h[IPC_HDR_LEN];
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} cmsgbuf;
	struct iovec iov[2];
	struct msghdr msg;
	struct cmsghdr *cmsg;
	ssize_t n;
	int r, nfd = 0;

	*fdp = -1;
	memset(&msg, 0, sizeof(msg));
	iov[0].iov_base = h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = payload;
	iov[1].iov_len = maxlen;
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);

	do {
		n = recvmsg(ch->ic_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return GW_EAGAIN;
		if (errno == ECONNRESET)
			return GW_ECLOSED;
		return GW_ESYS;
	}
	if (n == 0) {
		/* End of channel, or an empty datagram: both end it. */
		ipc_close_fds(&msg);
		return GW_ECLOSED;
	}

	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		ipc_close_fds(&msg);
		return GW_ELENGTH;
	}
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len != CMSG_LEN(sizeof(int)) || nfd++ > 0) {
			ipc_close_fds(&msg);
			*fdp = -1;
			return GW_EFD;
		}
		memcpy(fdp, CMSG_DATA(cmsg), sizeof(int));
	}

	if ((r = ipc_hdr_decode(hdr, h, (size_t)n)) != GW_OK)
		goto fail;
	if (ch->ic_session != 0 && hdr->ih_session != ch->ic_session) {
		r = GW_ESESSION;
		goto fail;
	}
	if (hdr->ih_seq != ch->ic_seq_in + 1) {
		r = GW_ESEQ;
		goto fail;
	}
	ch->ic_seq_in++;
	return (int)hdr->ih_len;

fail:
	if (*fdp != -1)
		close(*fdp);
	*fdp = -1;
	return r;
}

/*
 * Check a received header against a receiver's table in the receiver's
 * current phase (a bit of ir_phases).  The matching row is returned so
 * the caller can dispatch on it.
 */
int
ipc_check(const struct ipc_rule *table, size_t n, const struct ipc_hdr *h,
    uint32_t phase, int gotfd, const struct ipc_rule **rulep)
{
	const struct ipc_rule *r = NULL;
	size_t i;

	*rulep = NULL;
	for (i = 0; i < n; i++)
		if (table[i].ir_type == h->ih_type) {
			r = &table[i];
			break;
		}
	if (r == NULL)
		return GW_ETYPE;
	if (h->ih_len < r->ir_min || h->ih_len > r->ir_max)
		return GW_ELENGTH;
	if ((gotfd != -1) != (r->ir_fd != 0))
		return GW_EFD;
	if ((r->ir_phases & phase) == 0)
		return GW_EPHASE;
	*rulep = r;
	return GW_OK;
}

/*
 * Receive one message, check it against the receiver's table in its
 * current phase, and decode it: the three steps every receiver takes.
 * Returns the payload length, GW_EAGAIN, GW_ECLOSED, or the error of the
 * step that refused the message; h->ih_type names it for the log.  A
 * descriptor that came with a refused message is closed.
 */
int
ipc_read(struct ipc_chan *ch, const struct ipc_rule *table, size_t ntable,
    uint32_t phase, struct ipc_hdr *h, uint8_t *payload, size_t max,
    union ipc_msg *m, int *fdp)
{
	const struct ipc_rule *rule;
	int n, r;

	memset(h, 0, sizeof(*h));
	if ((n = ipc_recv(ch, h, payload, max, fdp)) < 0)
		return n;
	if ((r = ipc_check(table, ntable, h, phase, *fdp, &rule)) == GW_OK)
		r = ipc_decode(h->ih_type, payload, (size_t)n, m);
	if (r != GW_OK) {
		if (*fdp != -1)
			close(*fdp);
		*fdp = -1;
		return r;
	}
	return n;
}

/* Text for logs and reasons: printable ASCII and nothing else. */
int
ipc_text_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static int
ipc_text(struct cursor *c, char *dst, size_t dstsz)
{
	if (cur_str(c, dst, dstsz) != GW_OK)
		return c->c_err;
	if (!ipc_text_ok(dst)) {
		c->c_err = GW_ENUL;
		return c->c_err;
	}
	return GW_OK;
}

static void
ipc_decode_setup(struct cursor *c, struct ipc_setup *m)
{
	m->flags = cur_u8(c);
	m->verbosity = cur_u8(c);
	m->handshake_timeout = cur_u32(c);
	m->idle_timeout = cur_u32(c);
	m->max_packet = cur_u32(c);
	ipc_text(c, m->user, sizeof(m->user));
	ipc_text(c, m->chroot, sizeof(m->chroot));
	ipc_text(c, m->cert, sizeof(m->cert));
	ipc_text(c, m->key, sizeof(m->key));
	ipc_text(c, m->peer, sizeof(m->peer));
	ipc_text(c, m->listener, sizeof(m->listener));
	if (c->c_err == GW_OK &&
	    ((m->flags & ~IPC_SETUP_FLAGS) != 0 || m->verbosity > 3))
		c->c_err = GW_EINVAL;
}

static void
ipc_decode_auth(struct cursor *c, struct ipc_auth *m)
{
	ipc_text(c, m->user, sizeof(m->user));
	m->token = cur_blob(c, &m->token_len, IPC_TOKEN_MAX);
	ipc_text(c, m->database, sizeof(m->database));
	ipc_text(c, m->tls_version, sizeof(m->tls_version));
	ipc_text(c, m->tls_cipher, sizeof(m->tls_cipher));
	ipc_text(c, m->reason, sizeof(m->reason));
	m->duration = cur_u32(c);
	if (c->c_err == GW_OK && (m->user[0] == '\0' || m->token_len == 0))
		c->c_err = GW_EINVAL;
}

static void
ipc_decode_auth_result(struct cursor *c, struct ipc_auth_result *m)
{
	m->outcome = cur_u8(c);
	m->code = cur_u16(c);
	ipc_text(c, m->message, sizeof(m->message));
	ipc_text(c, m->subject, sizeof(m->subject));
	ipc_text(c, m->connection, sizeof(m->connection));
	ipc_text(c, m->grant, sizeof(m->grant));
	ipc_text(c, m->request, sizeof(m->request));
	ipc_text(c, m->db_user, sizeof(m->db_user));
	ipc_text(c, m->db_password, sizeof(m->db_password));
	m->expiry = cur_u64(c);
	ipc_text(c, m->server_version, sizeof(m->server_version));
	if (c->c_err == GW_OK && m->outcome > IPC_AUTH_MAX)
		c->c_err = GW_EINVAL;
}

/*
 * TLS needs a CA, and a CA is of no use without TLS.  The host may be
 * empty (a Unix socket) only when there is no TLS.
 */
static void
ipc_decode_backend(struct cursor *c, struct ipc_backend *m)
{
	m->flags = cur_u8(c);
	ipc_text(c, m->host, sizeof(m->host));
	m->ca = cur_blob(c, &m->ca_len, IPC_CA_MAX);
	if (c->c_err != GW_OK)
		return;
	if ((m->flags & ~IPC_BACKEND_FLAGS) != 0 ||
	    ((m->flags & IPC_BACKEND_TLS) != 0) != (m->ca_len != 0))
		c->c_err = GW_EINVAL;
}

/*
 * Decode a payload of a known type.  Every field is checked for its
 * bounds; the payload must be consumed exactly.
 */
int
ipc_decode(uint16_t type, const uint8_t *p, size_t n, union ipc_msg *m)
{
	struct cursor c;
	const uint8_t *d;

	memset(m, 0, sizeof(*m));
	cur_init(&c, p, n);
	switch (type) {
	case IPC_P2B_CONFIG:
		m->config.generation = cur_u32(&c);
		m->config.total = cur_u32(&c);
		m->config.offset = cur_u32(&c);
		m->config.data = cur_blob(&c, &m->config.len, IPC_CHUNK);
		if (c.c_err == GW_OK &&
		    (m->config.total > IPC_CONFIG_MAX ||
			m->config.offset > m->config.total ||
			m->config.len > m->config.total - m->config.offset))
			c.c_err = GW_EINVAL;
		break;
	case IPC_P2B_CREDS:
		m->creds.generation = cur_u32(&c);
		ipc_text(&c, m->creds.connection, sizeof(m->creds.connection));
		ipc_text(&c, m->creds.user, sizeof(m->creds.user));
		cur_str(&c, m->creds.password, sizeof(m->creds.password));
		break;
	case IPC_P2B_CONFIG_END:
		m->config_end.generation = cur_u32(&c);
		if ((d = cur_bytes(&c, 32)) != NULL)
			memcpy(m->config_end.digest, d, 32);
		break;
	case IPC_P2B_SESSION:
		m->session.pid = cur_u32(&c);
		m->session.listener = cur_u16(&c);
		ipc_text(&c, m->session.peer, sizeof(m->session.peer));
		break;
	case IPC_P2B_CONTROL:
	case IPC_B2P_RELOAD:
	case IPC_B2P_SESSION_KILL:
	case IPC_W2B_BACKEND:
		break;
	case IPC_B2W_BACKEND:
		ipc_decode_backend(&c, &m->backend);
		break;
	case IPC_W2B_AUTH:
		ipc_decode_auth(&c, &m->auth);
		break;
	case IPC_B2W_AUTH:
		ipc_decode_auth_result(&c, &m->auth_result);
		break;
	case IPC_P2B_SESSION_END:
		m->session_end.pid = cur_u32(&c);
		m->session_end.status = (int32_t)cur_u32(&c);
		break;
	case IPC_B2P_READY:
		m->ready.generation = cur_u32(&c);
		m->ready.usable = cur_u16(&c);
		m->ready.failed = cur_u16(&c);
		break;
	case IPC_B2P_CONFIG_FAIL:
		m->config_fail.generation = cur_u32(&c);
		ipc_text(
		    &c, m->config_fail.reason, sizeof(m->config_fail.reason));
		break;
	case IPC_P2W_SETUP:
		ipc_decode_setup(&c, &m->setup);
		break;
	case IPC_W2B_HELLO:
		m->hello.version = cur_u32(&c);
		m->hello.pid = cur_u32(&c);
		break;
	case IPC_B2W_HELLO:
		m->hello.version = cur_u32(&c);
		m->hello.pid = cur_u32(&c);
		ipc_text(&c, m->hello.server_version,
		    sizeof(m->hello.server_version));
		break;
	case IPC_W2B_LOG:
		m->log.level = cur_u8(&c);
		ipc_text(&c, m->log.text, sizeof(m->log.text));
		if (c.c_err == GW_OK && m->log.level > 7)
			c.c_err = GW_EINVAL;
		break;
	case IPC_W2B_BYE:
	case IPC_B2W_CLOSE:
		m->bye.reason = cur_u16(&c);
		ipc_text(&c, m->bye.text, sizeof(m->bye.text));
		if (c.c_err == GW_OK && m->bye.reason > IPC_REASON_MAX)
			c.c_err = GW_EINVAL;
		break;
	default:
		return GW_ETYPE;
	}
	return cur_end(&c);
}

#define PUT(x)                                                                 \
	do {                                                                   \
		if ((r = (x)) != GW_OK)                                        \
			return r;                                              \
	} while (0)

int
ipc_encode_config(struct buf *b, const struct ipc_config *m)
{
	int r;

	PUT(buf_put_u32(b, m->generation));
	PUT(buf_put_u32(b, m->total));
	PUT(buf_put_u32(b, m->offset));
	PUT(buf_put_blob(b, m->data, m->len));
	return GW_OK;
}

int
ipc_encode_creds(struct buf *b, const struct ipc_creds *m)
{
	int r;

	PUT(buf_put_u32(b, m->generation));
	PUT(buf_put_str(b, m->connection));
	PUT(buf_put_str(b, m->user));
	PUT(buf_put_str(b, m->password));
	return GW_OK;
}

int
ipc_encode_config_end(struct buf *b, const struct ipc_config_end *m)
{
	int r;

	PUT(buf_put_u32(b, m->generation));
	PUT(buf_put(b, m->digest, sizeof(m->digest)));
	return GW_OK;
}

int
ipc_encode_session(struct buf *b, const struct ipc_session *m)
{
	int r;

	PUT(buf_put_u32(b, m->pid));
	PUT(buf_put_u16(b, m->listener));
	PUT(buf_put_str(b, m->peer));
	return GW_OK;
}

int
ipc_encode_session_end(struct buf *b, const struct ipc_session_end *m)
{
	int r;

	PUT(buf_put_u32(b, m->pid));
	PUT(buf_put_u32(b, (uint32_t)m->status));
	return GW_OK;
}

int
ipc_encode_ready(struct buf *b, const struct ipc_ready *m)
{
	int r;

	PUT(buf_put_u32(b, m->generation));
	PUT(buf_put_u16(b, m->usable));
	PUT(buf_put_u16(b, m->failed));
	return GW_OK;
}

int
ipc_encode_config_fail(struct buf *b, const struct ipc_config_fail *m)
{
	int r;

	PUT(buf_put_u32(b, m->generation));
	PUT(buf_put_str(b, m->reason));
	return GW_OK;
}

int
ipc_encode_setup(struct buf *b, const struct ipc_setup *m)
{
	int r;

	PUT(buf_put_u8(b, m->flags));
	PUT(buf_put_u8(b, m->verbosity));
	PUT(buf_put_u32(b, m->handshake_timeout));
	PUT(buf_put_u32(b, m->idle_timeout));
	PUT(buf_put_u32(b, m->max_packet));
	PUT(buf_put_str(b, m->user));
	PUT(buf_put_str(b, m->chroot));
	PUT(buf_put_str(b, m->cert));
	PUT(buf_put_str(b, m->key));
	PUT(buf_put_str(b, m->peer));
	PUT(buf_put_str(b, m->listener));
	return GW_OK;
}

int
ipc_encode_hello(struct buf *b, const struct ipc_hello *m)
{
	int r;

	PUT(buf_put_u32(b, m->version));
	PUT(buf_put_u32(b, m->pid));
	return GW_OK;
}

int
ipc_encode_hello_reply(struct buf *b, const struct ipc_hello *m)
{
	int r;

	PUT(ipc_encode_hello(b, m));
	PUT(buf_put_str(b, m->server_version));
	return GW_OK;
}

int
ipc_encode_log(struct buf *b, const struct ipc_log *m)
{
	int r;

	PUT(buf_put_u8(b, m->level));
	PUT(buf_put_str(b, m->text));
	return GW_OK;
}

int
ipc_encode_bye(struct buf *b, const struct ipc_bye *m)
{
	int r;

	PUT(buf_put_u16(b, m->reason));
	PUT(buf_put_str(b, m->text));
	return GW_OK;
}

int
ipc_encode_auth(struct buf *b, const struct ipc_auth *m)
{
	int r;

	PUT(buf_put_str(b, m->user));
	PUT(buf_put_blob(b, m->token, m->token_len));
	PUT(buf_put_str(b, m->database));
	PUT(buf_put_str(b, m->tls_version));
	PUT(buf_put_str(b, m->tls_cipher));
	PUT(buf_put_str(b, m->reason));
	PUT(buf_put_u32(b, m->duration));
	return GW_OK;
}

int
ipc_encode_auth_result(struct buf *b, const struct ipc_auth_result *m)
{
	int r;

	PUT(buf_put_u8(b, m->outcome));
	PUT(buf_put_u16(b, m->code));
	PUT(buf_put_str(b, m->message));
	PUT(buf_put_str(b, m->subject));
	PUT(buf_put_str(b, m->connection));
	PUT(buf_put_str(b, m->grant));
	PUT(buf_put_str(b, m->request));
	PUT(buf_put_str(b, m->db_user));
	PUT(buf_put_str(b, m->db_password));
	PUT(buf_put_u64(b, m->expiry));
	PUT(buf_put_str(b, m->server_version));
	return GW_OK;
}

int
ipc_encode_backend(struct buf *b, const struct ipc_backend *m)
{
	int r;

	PUT(buf_put_u8(b, m->flags));
	PUT(buf_put_str(b, m->host));
	PUT(buf_put_blob(b, m->ca, m->ca_len));
	return GW_OK;
}
