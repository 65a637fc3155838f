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
 * libFuzzer target for the configuration parser and the credentials
 * reader.  Whatever the parser accepts must print, and the printed text
 * must parse again and print the same: a difference aborts.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
discard(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static char *
print_conf(const struct conf *cf, size_t *lenp)
{
	char *text = NULL;
	FILE *f;

	if ((f = open_memstream(&text, lenp)) == NULL)
		abort();
	conf_print(f, cf);
	if (fclose(f) != 0)
		abort();
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *cf, *again;
	struct conf_creds cc;
	char *text, *text2, err[256];
	size_t len, len2;

	cf = conf_parse_buffer("fuzz", (const char *)data, size, discard, NULL);
	if (cf != NULL) {
		text = print_conf(cf, &len);
		again = conf_parse_buffer("printed", text, len, discard, NULL);
		if (again == NULL)
			abort();
		text2 = print_conf(again, &len2);
		if (len != len2 || memcmp(text, text2, len) != 0)
			abort();
		free(text);
		free(text2);
		conf_free(again);
		conf_free(cf);
	}

	(void)conf_creds_parse((const char *)data, size, &cc, err, sizeof(err));
	explicit_bzero(&cc, sizeof(cc));
	return 0;
}
