/* libFuzzer target: the registry-auth config.json parser and lookups.
 * Input: one control byte, the config.json text, a NUL byte, a reference, a
 * NUL byte, then what the (simulated) credential helper prints.
 * No helper program runs: dk__auth_helper_hook answers with the tail of the
 * input, "credentials not found" or an error, chosen by the control byte.
 * Properties: a config is parsed into an object or refused with DK_EINVAL
 * and a message; a lookup gives nothing, or one JSON object holding a string
 * `serveraddress` equal to the reference's registry, or an error with a
 * message; lookup_all gives one JSON object whose members are objects;
 * base64url then base64 decoding gives the bytes back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "clibdocker/auth.h"
#include "clibdocker/errors.h"
#include "clibdocker/value.h"
#include "auth_int.h"
#include "errors_int.h"

static const char *g_tail;
static size_t g_tail_len;
static unsigned g_mode;

static int fake_helper(dkbuf *out, const char *helper, const char *verb, const char *input)
{
	(void)helper;
	(void)input;
	switch (g_mode % 4) {
	case 0:
		return dkbuf_put(out, g_tail, g_tail_len) ? dk__err(DK_ENOMEM, 0, 0, "oom") : 0;
	case 1:
		return 1;
	case 2:
		return dk__err(DK_EAUTH, 0, 0, "helper %s failed", verb);
	default:
		return dkbuf_puts(out, "{\"Username\":\"<token>\",\"Secret\":\"t\"}") ? -1 : 0;
	}
}

static void check_error(int rc)
{
	const dk_error *e = dk_error_last();
	if (rc >= 0 || e->code != rc || !e->message || !*e->message)
		abort();
}

static json_object *parse_whole(const char *s, size_t n)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, s, (int)n);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != n)
		abort();
	json_tokener_free(tok);
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data + 1, *z1, *z2 = NULL, *ref;
	size_t n, clen;
	json_object *cfg = NULL, *o, *sa;
	dk_value *v = NULL, *reg = NULL;
	dkbuf b = DKBUF_INIT, back = DKBUF_INIT;
	const char *body;
	size_t blen;
	char *refcopy;
	int rc;

	if (size < 1)
		return 0;
	dk__auth_helper_hook = fake_helper;
	g_mode = data[0];
	n = size - 1;
	z1 = memchr(d, '\0', n);
	clen = z1 ? (size_t)(z1 - d) : n;
	if (z1)
		z2 = memchr(z1 + 1, '\0', n - clen - 1);
	refcopy = z1 ? strndup(z1 + 1, z2 ? (size_t)(z2 - z1 - 1) : n - clen - 1) : strdup("reg.example:5000/a/b:1");
	ref = refcopy;
	g_tail = z2 ? z2 + 1 : "";
	g_tail_len = z2 ? (size_t)(d + n - z2 - 1) : 0;

	/* base64 round trip over the reference bytes */
	if (dk__b64url(&b, ref, strlen(ref)) || dk__b64decode(&back, b.ptr, b.len) ||
	    back.len != strlen(ref) || memcmp(back.ptr, ref, back.len))
		abort();
	dkbuf_dispose(&b);
	dkbuf_dispose(&back);

	rc = dk__auth_config_parse(&cfg, d, clen, "config.json");
	if (rc) {
		check_error(rc);
		if (cfg || rc != DK_EINVAL)
			abort();
	}
	if (*ref) {
		if (dk_auth_registry_of(&reg, ref))
			abort();
		body = dk_value_body(reg, &blen);
		if (!blen || strlen(body) != blen)
			abort();
		rc = dk__auth_lookup_cfg(&v, cfg, ref, NULL);
		if (rc) {
			check_error(rc);
			if (v)
				abort();
		} else if (v) {
			body = dk_value_body(v, &blen);
			o = parse_whole(body, blen);
			if (!json_object_is_type(o, json_type_object) ||
			    !json_object_object_get_ex(o, "serveraddress", &sa) ||
			    !json_object_is_type(sa, json_type_string) ||
			    strcmp(json_object_get_string(sa), dk_value_body(reg, NULL)))
				abort();
			json_object_put(o);
		}
		dk_value_free(v);
		dk_value_free(reg);
		v = NULL;
	}
	rc = dk__auth_lookup_all_cfg(&v, cfg, NULL);
	if (rc) {
		check_error(rc);
		if (v)
			abort();
	} else {
		body = dk_value_body(v, &blen);
		o = parse_whole(body, blen);
		if (!json_object_is_type(o, json_type_object))
			abort();
		{
			json_object_object_foreach(o, key, val) {
				(void)key;
				if (!json_object_is_type(val, json_type_object))
					abort();
			}
		}
		json_object_put(o);
		dk_value_free(v);
	}
	json_object_put(cfg);
	free(refcopy);
	return 0;
}
