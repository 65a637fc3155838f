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
 * TLS towards the agent's client.  The context, with the listener's
 * certificate and key, is built while the worker is still root and
 * outside its chroot; the handshake runs later inside the sandbox, over
 * memory BIOs of a libevent filter, so OpenSSL needs no file and no
 * socket call of its own.
 */

#include <stdio.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

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
