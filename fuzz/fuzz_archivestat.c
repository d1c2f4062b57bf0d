/* libFuzzer target: the X-Docker-Container-Path-Stat header decoder of
 * dk_container_archive_info (base64 of a JSON object).
 * Properties: never crashes; whatever it accepts is exactly one JSON object
 * over its whole length (trailing white space allowed), NUL-terminated, with
 * no NUL byte inside; and when the input itself is a JSON object text, its
 * standard base64 encoding decodes back to exactly the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "containers_int.h"

static char *b64(const uint8_t *p, size_t n, size_t *olen)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = malloc((n + 2) / 3 * 4 + 1), *w = o;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*w++ = t[p[i] >> 2];
		*w++ = t[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*w++ = t[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*w++ = t[p[i + 2] & 63];
	}
	if (n - i == 1) {
		*w++ = t[p[i] >> 2];
		*w++ = t[(p[i] & 3) << 4];
		*w++ = '=';
		*w++ = '=';
	} else if (n - i == 2) {
		*w++ = t[p[i] >> 2];
		*w++ = t[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*w++ = t[(p[i + 1] & 15) << 2];
		*w++ = '=';
	}
	*w = '\0';
	*olen = (size_t)(w - o);
	return o;
}

/* 1 if s[0..n) is one JSON object, maybe followed by white space */
static int whole_object(const char *s, size_t n)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, s, (int)n);
	size_t end = json_tokener_get_parse_end(tok);
	int ok = o && json_object_is_type(o, json_type_object) &&
	         json_tokener_get_error(tok) == json_tokener_success;

	for (; ok && end < n; end++)
		if (!strchr(" \t\r\n", s[end]) || !s[end])
			ok = 0;
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0, elen;
	char *j = dk__archive_stat_decode((const char *)data, size, &len), *e;

	if (j) {
		if (j[len] != '\0' || strlen(j) != len || !whole_object(j, len))
			abort();
		free(j);
	}
	if (size && !memchr(data, '\0', size) && whole_object((const char *)data, size)) {
		e = b64(data, size, &elen);
		j = dk__archive_stat_decode(e, elen, &len);
		if (!j || len != size || memcmp(j, data, size))
			abort();
		free(j);
		free(e);
	}
	return 0;
}
