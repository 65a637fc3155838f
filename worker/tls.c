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
 * TLS towards the agent's client and towards the database.  The server
 * context, with the listener's certificate and key, is built while the
 * worker is still root and outside its chroot.  The client context is
 * built inside the sandbox from the CA text the broker sends with the
 * database socket.  Both handshakes run inside the sandbox, over memory
 * BIOs of a libevent filter, so OpenSSL needs no file and no socket call
 * of its own.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common/log.h"
#include "worker/worker.h"

SSL_CTX *
tls_server_init(const char *cert, const char *key)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		tls_log_errors("SSL_CTX_new");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* No renegotiation, no compression, no tickets to keep. */
	SSL_CTX_set_options(ctx,
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET |
		SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_log_errors(cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_log_errors(key);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * Start the server side of TLS over an existing connection.  Bytes the
 * client sent right after its SSLRequest are already in under's input
 * buffer; the filter reads them from there.
 */
struct bufferevent *
tls_accept(struct bufferevent *under, SSL_CTX *ctx)
{
	struct bufferevent *bev;
	SSL *ssl;

	if ((ssl = SSL_new(ctx)) == NULL) {
		tls_log_errors("SSL_new");
		return NULL;
	}
	bev = bufferevent_openssl_filter_new(bufferevent_get_base(under), under,
	    ssl, BUFFEREVENT_SSL_ACCEPTING, 0);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	return bev;
}

/*
 * A client context that trusts only the certificates in pem (one or
 * more PEM blocks) and requires the peer to present a chain to them.
 */
SSL_CTX *
tls_client_init(const uint8_t *pem, size_t len)
{
	X509_STORE *store;
	SSL_CTX *ctx;
	X509 *x;
	BIO *bio;
	int n = 0;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_log_errors("SSL_CTX_new");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx,
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	store = SSL_CTX_get_cert_store(ctx);
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		goto fail;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (X509_STORE_add_cert(store, x) != 1) {
			X509_free(x);
			BIO_free(bio);
			goto fail;
		}
		X509_free(x);
		n++;
	}
	BIO_free(bio);
	/* The loop ends on a "no start line" error: not one to report. */
	ERR_clear_error();
	if (n == 0) {
		log_warnx("the database's CA holds no certificate");
		goto fail;
	}
	return ctx;
fail:
	tls_log_errors("database CA");
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * Start the client side of TLS over a connected socket's bufferevent,
 * checking the peer's certificate for host, a name or an address.
 */
struct bufferevent *
tls_connect(struct bufferevent *under, SSL_CTX *ctx, const char *host)
{
	struct bufferevent *bev;
	struct in6_addr a6;
	struct in_addr a4;
	SSL *ssl;
	int r;

	if ((ssl = SSL_new(ctx)) == NULL) {
		tls_log_errors("SSL_new");
		return NULL;
	}
	if (host[0] == '\0')
		r = 1; /* XXX a Unix socket: the chain alone is checked */
	else if (inet_pton(AF_INET, host, &a4) == 1 ||
	    inet_pton(AF_INET6, host, &a6) == 1)
		r = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	else
		r = SSL_set1_host(ssl, host) == 1 &&
		    SSL_set_tlsext_host_name(ssl, host) == 1;
	if (r != 1) {
		tls_log_errors("database host name");
		SSL_free(ssl);
		return NULL;
	}
	bev = bufferevent_openssl_filter_new(bufferevent_get_base(under), under,
	    ssl, BUFFEREVENT_SSL_CONNECTING, 0);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	return bev;
}

/* Why the peer's certificate was refused, or NULL if it was not. */
const char *
tls_verify_error(struct bufferevent *bev)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	long v;

	if (ssl == NULL || (v = SSL_get_verify_result(ssl)) == X509_V_OK)
		return NULL;
	return X509_verify_cert_error_string(v);
}

void
tls_describe(struct bufferevent *bev, char *ver, size_t versz, char *cipher,
    size_t ciphersz)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);

	snprintf(ver, versz, "%s", ssl ? SSL_get_version(ssl) : "none");
	snprintf(cipher, ciphersz, "%s",
	    ssl ? SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)) : "none");
}

/* Log OpenSSL's error queue, escaped, and empty it. */
void
tls_log_errors(const char *what)
{
	char buf[256], esc[LOG_ESCAPE_MAX];
	unsigned long e;
	int any = 0;

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_escape(esc, sizeof(esc), buf, strlen(buf));
		log_info("%s: %s", what, esc);
		any = 1;
	}
	if (!any)
		log_info("%s: failed", what);
}
